package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Scaling;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one glob of mcp.access, limits and approval: what it matches, and that a hostile name cannot make it slow. */
class McpGlobTest {
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "search__lookup, search__lookup, true",
            "search__lookup, search__lookups, false",
            "search__*, search__lookup, true",
            "search__*, search__, true",
            "search__*, files__lookup, false",
            "*__delete, files__delete, true",
            "*__delete, files__delete_all, false",
            "files__del?te, files__delete, true",
            "files__del?te, files__delte, false",
            "a?c*, abc.d, true",
            "a.c, abc, false",
            "doc://*/*/x, doc://a/b/x, true",
            "doc://*/*/x, doc://a/x, false",
            "**, '', true",
            "?, '', false",
            "*a*b, xaxxb, true",
            "*a*b, xbxxa, false",
    })
    void matchesWholeNamesWithStarAndQuestionMark(String pattern, String name, boolean expected) {
        assertThat(McpConfig.matches(pattern, name)).isEqualTo(expected);
    }

    @Test
    void approvalAndLimitsReadTheSameGlobAsAccessRules() {
        // a ? in an approval list once matched nothing, and the tool it named ran without a human
        McpConfig.Approval approval = new McpConfig.Approval(List.of("files__del?te"), Duration.ofMinutes(1), null, null);
        assertThat(approval.covers("files__delete")).isTrue();
        assertThat(approval.covers("files__read")).isFalse();
    }

    @Test
    void aLongNameAgainstSeveralStarsStaysLinear() {
        // a regular expression's backtracking took seconds for 2 KB here, on the event loop
        Scaling.assertLinear("glob doc://*/*/*x", 4_000, n -> "doc://" + "/".repeat(n), name -> McpConfig.matches("doc://*/*/*x", name));
    }
}
