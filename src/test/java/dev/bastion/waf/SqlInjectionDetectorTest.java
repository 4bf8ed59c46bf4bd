package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Scaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tokenizing SQL injection detector on injections in the three contexts it reads (as is, after a
 * {@code '}, after a {@code "}), with the obfuscations attackers use, and on text that looks close: English
 * with apostrophes, SQL words in prose, numbers, punctuation. Values are decoded first as rule 942100 does
 * (URL, HTML entities).
 */
class SqlInjectionDetectorTest {
    private static boolean detects(String raw) {
        return SqlInjectionDetector.matches(Transform.all(raw, Transform.URL_DECODE_UNI, Transform.HTML_ENTITY_DECODE));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // a string closed, then a tautology or a clause that completes
            "1' oR '1'='1", "' OR 'x'='x", "-1839\" or \"1\"=\"2", "\" or \"\"=\"", "') or ('a'='a", "1' or true--", "' or 1 like 1--",
            "x' OR name IS NOT NULL--", "EmptyValue' and 526=527", "' or username=0x61646d696e--", "'or'1",
            // a comment or a semicolon ends the statement after the breakout
            "admin'--", "admin'#", "admin')--", "admin`;", "root@example.com'/* comment */;", "1' ORDER BY 3--", "1' GROUP BY 1--",
            // numeric context
            "1 or 1=1", "-1 or 1=1", "1) or (1=1", "1 oR/**/1=1", "1234 OR 1=1", "9999 or /* hint */ true",
            // UNION SELECT, with comments inside and between keywords, case mixing, MySQL executable comments
            "1 UNION SELECT 0x61646d696e,2", "1 UN/**/ION SEL/**/ECT password FROM users", "1 UNION/**/SELECT password FROM users",
            "1 uNiOn AlL sElEcT null,null--", "x' AnD 1=0 UnIoN SeLeCt 1,2--", "1 /*!50000UNION*/ /*!50000SELECT*/ 1,2",
            "foo') UNION ALL select NULL --", "' UNION SELECT char(97,100),2--",
            // URL-encoded quotes and operators
            "%27%20OR%201%3D1--", "admin%27--", "1%27%20AND%20SLEEP(5)--", "&#39; or &#39;1&#39;=&#39;1",
            // stacked queries
            "1; DROP TABLE users", "1; DELETE FROM users", "'; EXEC xp_cmdshell 'dir'--", "'; DECLARE @q varchar(99); EXEC(@q)--",
            "1;insert into logs values(1)", "1; shutdown--", "'; update users set admin=1--", ";DROP/*x*/TABLE test;", "; sleep(0)",
            // time-based blind, function calls and subqueries in an expression
            "1' AND SLEEP(5)--", "1 and sleep(5)", "'; WAITFOR DELAY '0:0:5'--", "1) or benchmark(1000000,md5(1))#", "' || pg_sleep(10)--",
            "2010-01-01'+sleep(20.to_i)+'", "x\" sleep(10) \"", "admin' and ascii(substring(password,1,1))>64--",
            "' and extractvalue(1,concat(0x7e,version()))--", "1'||(select user())||'", "' + (select top 1 name from sysobjects) + '",
            "\"x\"')) and (select*from(select(sleep(5)))x) --", "sELecT slEep (mOD(10,5))", "SELECT IIF(1 > 1, 'TRUE', 'FALSE' )",
            // statements that read as SQL anywhere
            "SeLeCt * FrOm users WHERE id=1", "1 AND (SELECT COUNT(*) FROM users) > 0", "ALTER TABLE `t` ADD `c` TEXT", "` AS `x` from",
            "1234 AS \"foobar\" FROM t", "'x'!='y", "q='x'!='y", "x' waitfor delay '0:0:20'--"})
    void injectionsAreCaught(String value) {
        assertThat(detects(value)).as(value).isTrue();
        // The rule's prefilter is the detector's NEEDS: an attack without one of them would never reach it.
        String decoded = Transform.all(value, Transform.URL_DECODE_UNI, Transform.HTML_ENTITY_DECODE);
        assertThat(new PhraseMatcher(SqlInjectionDetector.NEEDS).find(decoded)).as("what %s needs", value).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // the issue's near-misses
            "select your plan from the list", "O'Brien", "time is money", "<b>bold</b>", "Tom & Jerry; popcorn", "please update the docs",
            "1 OR 2 people", "drop me a line", "cat food", "echo chamber", "who am I",
            // English with apostrophes and SQL words
            "Let's meet at 5 o'clock", "It's 1-2 weeks", "select all that apply", "Union Station", "order by price", "rock 'n' roll",
            "Please order by price", "the union of two sets", "The union selected a new president", "Die \"Union von Europa\"",
            "I'd like to select one (1) item from the menu; then update my order", "Can you delete from my cart the red shoes?",
            "She said 'yes' or 'no' -- I forget which.", "Rock 'n' roll; drop by anytime", "He's 6' tall and she's 5'4\"",
            "The 12\" pizza -- extra cheese", "Don't forget: select 'All' in the dropdown, then click 'Update'",
            "\"Hello\" she said; \"goodbye\" he replied", "What's the difference between UNION and UNION ALL in SQL?", "bob's or alice's",
            "Use the \"insert\" key, then \"delete\"", "x = 5 and y = 6", "If x>5 and y<3 then stop", "Between 5 and 10 = fine",
            "Tom and Jerry = fun", "'debug' and level=3", "We're open 9-5; closed Sundays", "Is it 'true' or 'false'?", "and 7 oranges",
            "I'll select the \"best\" option from the list", "Grant access to all users in the group", "Execute the plan; declare victory",
            "Create table of contents; alter the table layout", "Sleep (8 hours) is important", "sleep well; benchmark (results) soon",
            "Insert coin; update status", "My password is 'secret' -- don't tell", "He replied: 'OK'; then left", "Use 'like' sparingly",
            "my name is 'foo'; and I work on CRS.", "'foo';'bar';'def'", "`foo`;`bar`;`def`", "'ortrue", "\"' and = bar", "''or", "' for",
            "user'collate foo--", "x'@email--", "id'is notes", "11!=11", "1 is not 1", "'1' not regexp '1'", "\"1\" sSOUNDS LIKE \"SOUNDS LIKE 1",
            "Incorrectly constructed SQL statements are a common mistake", "I rated it 5/5 -- would buy again", "Order #12345 -- shipped",
            // data
            "report.pdf", "2024-01-15", "jane@example.com", "https://example.com/search?q=select+all&page=2", "{\"name\":\"O'Brien\",\"count\":3}",
            "$5.00 (or $4 with a coupon)", "1+1=2", "if (a == b) { return 1; }", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.SflKxw--KKF2QT4",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36",
            "4AND4", "5desc", "34-delete", " Delete (Trashcan)", ";insertion_424242", ";set @"})
    void nearMissesAreNot(String value) {
        assertThat(detects(value)).as(value).isFalse();
    }

    @Test
    void linearOnHostileInput() {
        assertThat(SqlInjectionDetector.matches("'".repeat(1 << 18))).isFalse();
        assertThat(SqlInjectionDetector.matches("(".repeat(1 << 18))).isFalse();
        assertThat(SqlInjectionDetector.matches("/*".repeat(1 << 17))).isFalse();
        assertThat(SqlInjectionDetector.matches("a/**/".repeat(1 << 16))).isFalse();
        assertThat(SqlInjectionDetector.matches("' or ".repeat(1 << 16))).isFalse();
    }

    @Test
    void deepAttacksInLargeValuesAreStillFound() {
        assertThat(SqlInjectionDetector.matches("x ".repeat(10_000) + "1 union select password from users")).isTrue();
    }

    /** Customer prose close to SQL is not an injection. Its cost is measured by bench/jmh.sh DetectorBench (sqlOnProse), not asserted here. */
    @Test
    void benignProseIsNotAnInjection() {
        String prose = ("Hi! I'd like to change my order, it's #1234 from 2024-01-15; the size is wrong (M instead of L) and "
                + "the colour isn't what the site showed. Can you send a new one or refund me? Thanks, Mary O'Brien. ").repeat(3);
        assertThat(SqlInjectionDetector.matches(prose)).isFalse();
    }

    @Test
    void linearOnLongValues() {
        Scaling.assertLinear("prose", 1_000, n -> "it's (M instead of L), or 'x' -- ".repeat(n), SqlInjectionDetector::matches);
        Scaling.assertLinear("open quotes and parentheses", 1_000, n -> "'(\"(".repeat(n), SqlInjectionDetector::matches);
    }
}
