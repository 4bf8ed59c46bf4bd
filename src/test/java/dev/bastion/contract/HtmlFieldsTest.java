package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The allow-list cleaner on named fields: what it removes, what it keeps, and where it looks. */
class HtmlFieldsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> dirty() {
        return Stream.of(
                Arguments.of("a script element", "hi<script>alert(1)</script>", "hi"),
                Arguments.of("an event handler", "<b onmouseover=\"steal()\">bold</b>", "<b>bold</b>"),
                Arguments.of("a javascript: link", "<a href=\"javascript:alert(1)\">x</a>", "<a rel=\"nofollow\">x</a>"),
                Arguments.of("an image with onerror", "<img src=x onerror=alert(1)>text", "text"),
                Arguments.of("an iframe", "<iframe src=\"https://evil.example\"></iframe>ok", "ok"),
                Arguments.of("a style attribute", "<p style=\"background:url(x)\">p</p>", "<p>p</p>"),
                Arguments.of("an https link kept, its handler dropped", "<a href=\"https://example.com\" onclick=\"x()\">x</a>",
                        "<a href=\"https://example.com\" rel=\"nofollow\">x</a>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dirty")
    void theAllowListRemovesWhatCouldRunAndKeepsFormatting(String name, String html, String clean) {
        assertThat(HtmlFields.clean(html)).isEqualTo(clean);
    }

    @Test
    void cleanTextIsLeftExactlyAsItWas() {
        for (String s : List.of("R&D team", "<b>bold</b> and <i>it</i>", "plain words, no markup")) {
            assertThat(HtmlFields.clean(s)).as(s).isEqualTo(s);
        }
    }

    @Test
    void namedFieldsAreCleanedAndTheirPointersReportedOthersUntouched() throws Exception {
        JsonNode body = JSON.readTree("""
                {"comment":{"body":"nice<script>x()</script>","author":"<script>not named</script>"},
                 "replies":[{"body":"<b>ok</b>"},{"body":"<img src=x onerror=y()>hi"},{"body":7}],
                 "tags":["<i>a</i>","<svg onload=z()>"]}""");
        HtmlFields fields = new HtmlFields(List.of("/comment/body", "/replies/*/body", "/tags/1", "/missing/field"));
        List<String> changed = fields.sanitise(body);
        assertThat(changed).containsExactly("/comment/body", "/replies/1/body", "/tags/1");
        assertThat(body.at("/comment/body").asText()).isEqualTo("nice");
        assertThat(body.at("/comment/author").asText()).as("not named: the app's business").isEqualTo("<script>not named</script>");
        assertThat(body.at("/replies/0/body").asText()).isEqualTo("<b>ok</b>");
        assertThat(body.at("/replies/1/body").asText()).isEqualTo("hi");
        assertThat(body.at("/replies/2/body").asInt()).as("not a string: left").isEqualTo(7);
        assertThat(body.at("/tags/0").asText()).isEqualTo("<i>a</i>");
        assertThat(body.at("/tags/1").asText()).isEmpty();
    }

    @Test
    void aPointerWithEscapedTokensFindsItsField() throws Exception {
        JsonNode body = JSON.readTree("{\"a/b\":{\"c~d\":\"<script>x</script>y\"}}");
        assertThat(new HtmlFields(List.of("/a~1b/c~0d")).sanitise(body)).containsExactly("/a~1b/c~0d");
        assertThat(body.at("/a~1b/c~0d").asText()).isEqualTo("y");
    }
}
