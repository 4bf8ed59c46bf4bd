package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the extraction hands the inspector, as the list {@link RequestTargets} makes of it: JSON names built
 * from the walk's place, the model-bound strings left out by pointer (found by identity), header names.
 */
class ExtractorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<RequestTargets.Target> args(String body, Set<String> skip) {
        return RequestTargets.of("POST", "/", null, List.of(), "application/json", body.getBytes(StandardCharsets.UTF_8), tree -> skip).all()
                .stream().filter(t -> t.kind().equals("args")).toList();
    }

    @Test
    void jsonValuesAreNamedByTheirDottedPath() {
        assertThat(args("{\"A\":{\"b\":[1,{\"C\":\"x\"}]},\"\":{\"d\":true}}", Set.of()))
                .extracting(RequestTargets.Target::name).containsExactly("args:a.b.0", "args:a.b.1.c", "args:d");
        assertThat(args("[\"x\",[null,2]]", Set.of())).extracting(RequestTargets.Target::name).containsExactly("args:.0", "args:.1.1");
    }

    @Test
    void stringsAreLeftOutWherePointersNameThemOnly() {
        // Jackson shares one node for every empty string: only the one the pointer names is left out.
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"user\":\"\",\"a/b\":{\"~k\":\"s\"}}";
        assertThat(args(body, Set.of("/messages/0/content", "/a~1b/~0k"))).extracting(RequestTargets.Target::name, RequestTargets.Target::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("args:messages.0.role", "user"), org.assertj.core.groups.Tuple.tuple("args:user", ""));
        // Pointers that are not the canonical pointer of a string leave nothing out.
        assertThat(args(body, Set.of("/messages/00/content", "/a/b/~k", "messages/0/role", "/user/x"))).hasSize(4);
        // Numbers, booleans and containers are inspected even at a pointer.
        assertThat(args("{\"n\":5,\"o\":{\"t\":\"x\"}}", Set.of("/n", "/o"))).extracting(RequestTargets.Target::value).containsExactly("5", "x");
    }

    @Test
    void pointersResolveToTheirNodes() throws Exception {
        JsonNode tree = JSON.readTree("{\"a\":[{\"\":\"e\"},\"s\"],\"x/y\":{\"~\":1}}");
        assertThat(SkippedStrings.resolve(tree, "")).isSameAs(tree);
        assertThat(SkippedStrings.resolve(tree, "/a/1").asText()).isEqualTo("s");
        assertThat(SkippedStrings.resolve(tree, "/a/0/").asText()).isEqualTo("e");
        assertThat(SkippedStrings.resolve(tree, "/x~1y/~0").asInt()).isEqualTo(1);
        assertThat(SkippedStrings.resolve(tree, "/a/2")).isNull();
        assertThat(SkippedStrings.resolve(tree, "/a/-1")).isNull();
        assertThat(SkippedStrings.resolve(tree, "/a/1/z")).isNull();
        assertThat(SkippedStrings.resolve(tree, "a")).isNull();
    }

    @Test
    void aPlaceIsComparedWithPointersWithoutBuildingOne() {
        JsonPath at = new JsonPath();
        assertThat(at.is("")).isTrue();
        at.enter("a/b");
        at.enter(12);
        at.enter("~");
        at.enter("");
        assertThat(at.is("/a~1b/12/~0/")).isTrue();
        assertThat(List.of("/a~1b/12/~0", "/a~1b/012/~0/", "/a/b/12/~/", "/a~1b/12/~0//", "/a~1b/1/~0/", "/a~1b/12/~01/", "")).noneMatch(at::is);
        at.leave();
        at.leave();
        assertThat(at.is("/a~1b/12")).isTrue();
        assertThat(at.argsName()).isEqualTo("args:a/b.12");
    }

    @Test
    void headerNamesAreReadOnceInLowerCase() {
        List<Map.Entry<String, String>> headers = List.of(Map.entry("User-Agent", "curl/8.5.0"), Map.entry("user-agent", "x"),
                Map.entry("Cookie", "A=1"), Map.entry("TRANSFER-Encoding", "chunked"));
        for (int round = 0; round < 2; round++) { // the second time from the names already worked out
            assertThat(RequestTargets.of("GET", "/", null, headers, null, null, x -> Set.of()).all()).containsSubsequence(
                    new RequestTargets.Target("headers_names", "headers_names", "user-agent"),
                    new RequestTargets.Target("headers", "headers:user-agent", "curl/8.5.0"),
                    new RequestTargets.Target("headers", "headers:user-agent", "x"),
                    new RequestTargets.Target("cookies", "cookies:a", "1"),
                    new RequestTargets.Target("headers", "headers:transfer-encoding", "chunked"),
                    new RequestTargets.Target("request_shape", "request_shape", "GET chunked"));
        }
    }
}
