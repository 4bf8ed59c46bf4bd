package dev.bastion.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.pii.PiiDetectors;
import dev.bastion.detect.secrets.SecretDetectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The census the Scanner skips detectors by: a detector may decline a text only when its scan would find
 * nothing there. Checked on generated texts (entities at their shortest, in every neighbourhood the
 * census counts across), against a Scanner that runs every detector on everything.
 */
class TextShapeTest {
    static final List<Detector> ALL = new ArrayList<>();

    static {
        ALL.addAll(SecretDetectors.all());
        ALL.addAll(PiiDetectors.all(List.of("US", "GB", "DE")));
    }

    /** Entities as short as their detectors accept, and near-misses one char short of a gate. */
    static final String[] PIECES = {
            "jane.doe@example.com", "+1 415-555-2671", "(415) 555-2671", "020 7946 0958", "555-2671", "078-05-1120", "123-45-6789",
            "123 45 6789", "SSN 123456789", "4222222222222", "4111 1111 1111 1111", "4111-1111-1111-1111", "NO9386011117947",
            "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "1.2.3.4", "10.1.2.3.", "1.2.3", "::1", "2001:db8::1", "fe80::",
            "12:30:45", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE",
            "aws_secret_access_key=", "secret access key: ", "xoxa-abcdefgh", "xoxa-abcdefg", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "password=Xk9#mQ2$vL7p", "api_key: \"Zq8!rT5@wY3#\"",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC\n",
            " ", " ", " ", "\n", "-", ".", ":", "/", "+", "_", "(", ")", "the", "Deploy", "build 4.2.1", "v1.2.3.4", "OPS-4821", "é", "😀"};

    @Test
    void aDetectorDeclinesOnlyTextsItWouldFindNothingIn() {
        Random r = new Random(14);
        Scanner gated = new Scanner(ALL);
        Scanner everything = new Scanner(ALL.stream().map(TextShapeTest::ungated).toList());
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = 1 + r.nextInt(6); k > 0; k--) {
                if (r.nextInt(4) == 0) text.append((char) (' ' + r.nextInt(95)));
                else text.append(PIECES[r.nextInt(PIECES.length)]);
            }
            String s = text.toString();
            TextShape shape = TextShape.of(s);
            for (Detector d : ALL) {
                if (d.mayFind(shape)) continue;
                List<Finding> found = new ArrayList<>();
                d.scan(s, found);
                assertThat(found).as("%s declined \"%s\" (%s)", d.getClass().getSimpleName(), s, shape).isEmpty();
            }
            assertThat(gated.scan(s)).as("\"%s\"", s).isEqualTo(everything.scan(s));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "call 555-2671 now                          | 7  | 0 | 0 | false",
            "SSN 123456789, card 4222222222222          | 13 | 0 | 0 | false",
            "hosts 10.1.2.3 and fe80::1:2 at 12:30      | 5  | 3 | 3 | false",
            "IBAN DE89 3704, see OPS-4821               | 6  | 0 | 0 | true",
    })
    void countsRunsAcrossTheCharsTheirEntitiesAreWrittenWith(String text, int figureDigits, int numberDots, int hexColons, boolean ibanStart) {
        TextShape shape = TextShape.of(text);
        assertThat(shape.figureDigits()).isEqualTo(figureDigits);
        assertThat(shape.numberDots()).isEqualTo(numberDots);
        assertThat(shape.hexColons()).isEqualTo(hexColons);
        assertThat(shape.ibanStart()).isEqualTo(ibanStart);
    }

    @Test
    void measuresTheLongestBase64AndBase64UrlRuns() {
        TextShape shape = TextShape.of("a wJalrXUtnFEMI/K7MDENG key, and in-flight_requests");
        assertThat(shape.base64Run()).isEqualTo(21); // wJalrXUtnFEMI/K7MDENG
        assertThat(shape.urlSafeRun()).isEqualTo(18); // in-flight_requests
    }

    private static Detector ungated(Detector d) {
        return new Detector() {
            @Override
            public Set<String> types() {
                return d.types();
            }

            @Override
            public void scan(String text, List<Finding> out) {
                d.scan(text, out);
            }

            @Override
            public int specificity() {
                return d.specificity();
            }
        };
    }
}
