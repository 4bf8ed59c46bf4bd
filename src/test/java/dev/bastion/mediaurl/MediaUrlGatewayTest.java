package dev.bastion.mediaurl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSRF through the model server: a self-hosted model fetches a prompt's {@code image_url} from inside the
 * network, so the gateway refuses URLs a model server must not fetch — in every spelling of an internal
 * address — before anything reaches the upstream, and never repeats the URL in its answer or logs.
 */
class MediaUrlGatewayTest {
    static TestGateway gw, privateOk, inline;
    static String key, privateKey, inlineKey;

    static final String ROUTE = """
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: app
                auth: { methods: [api_key] }
                llm: chat
                waf: { enabled: false }   # its RFI rules refuse some IP-literal URLs too; this is the media check alone
              - id: unguarded
                match: { methods: [POST], path: /v1/unguarded/chat/completions }
                upstream: app
                auth: { methods: [api_key] }
                llm: chat
                guard: off
                waf: { enabled: false }
            """;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTE));
        privateOk = TestGateway.start(TestGateway.config(ROUTE + "egress: { allow_private: [10.0.0.0/8] }\n"));
        inline = TestGateway.start(TestGateway.config(ROUTE + "egress: { media_urls: inline }\n"));
        for (TestGateway g : List.of(gw, privateOk, inline)) g.upstream.behave(StubUpstream::echoJson);
        key = gw.createKey("acme", "invoke");
        privateKey = privateOk.createKey("acme", "invoke");
        inlineKey = inline.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestGateway g : List.of(gw, privateOk, inline)) g.close();
    }

    static String withImage(JsonObject part) {
        return new JsonObject().put("model", "gpt-4o").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "Describe images."))
                .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "What is in this picture?"))
                        .add(part)))).encode();
    }

    static String image(String url) {
        return withImage(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url)));
    }

    static void refused(TestGateway g, String k, String body, String url, String why) throws Exception {
        int before = g.upstream.seen().size();
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> r = g.postJson("/v1/chat/completions", k, body);
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            JsonObject err = new JsonObject(r.body()).getJsonObject("error");
            assertThat(err.getString("code")).isEqualTo("media_url_refused");
            assertThat(err.getString("message")).startsWith("The URL at /messages/1/content/1/").contains(why);
            assertThat(err.getString("request_id")).isNotBlank();
            assertThat(r.body()).as("the URL is not repeated").doesNotContain(url);
            assertThat(logs.all() + String.join("\n", g.accessLines())).doesNotContain(url);
        }
        assertThat(g.upstream.seen()).as("nothing reached the model server").hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://100.100.100.200/latest/meta-data/"})
    void cloudMetadataIsRefused(String url) throws Exception {
        refused(gw, key, image(url), url, "metadata address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:8080/admin.png", "http://0x7f.1/x.png", "http://2130706433/x.png", "http://0177.0.0.1/x.png",
            "http://127.1/x.png", "http://[::1]/x.png", "http://[::ffff:127.0.0.1]/x.png", "http://[::ffff:7f00:1]/x.png",
            "HTTP://LOCALHOST:9200/_cat/indices", "http://localhost./x.png"})
    void loopbackInEverySpellingIsRefused(String url) throws Exception {
        refused(gw, key, image(url), url, "address, which the model server must not fetch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5/x.png", "http://192.168.1.1/", "http://172.16.0.9/x", "http://[fc00::1]/x.png", "http://100.64.0.1/x"})
    void privateRangesAreRefused(String url) throws Exception {
        refused(gw, key, image(url), url, "address, which the model server must not fetch");
    }

    @Test
    void otherSchemesCredentialsAndUnresolvableHostsAreRefused() throws Exception {
        refused(gw, key, image("file:///etc/passwd"), "file:///etc/passwd", "is not an http(s) or data: URL");
        refused(gw, key, image("gopher://10.0.0.1:6379/_FLUSHALL"), "gopher://10.0.0.1:6379/_FLUSHALL", "is not an http(s) or data: URL");
        refused(gw, key, image("https://user:pass@93.184.215.14/x.png"), "user:pass", "carries credentials");
        refused(gw, key, image("http://no-such-host.invalid/x.png"), "no-such-host.invalid", "does not resolve");
        refused(gw, key, image("http://[::1/x.png"), "[::1/x.png", "is not a valid URL");
    }

    @Test
    void everyMediaPartIsRead() throws Exception {
        String url = "http://127.0.0.1/secret.mp4";
        refused(gw, key, withImage(new JsonObject().put("type", "video_url").put("video_url", new JsonObject().put("url", url))), url, "loopback");
        refused(gw, key, withImage(new JsonObject().put("type", "input_image").put("image_url", url)), url, "loopback");
        refused(gw, key, withImage(new JsonObject().put("type", "document_url").put("document_url", url)), url, "loopback");
    }

    @Test
    void aRepeatedKeyCannotHideAUrlFromTheCheckOnARouteWithNoOtherBodyControl() throws Exception {
        // Read leniently the last "messages" (empty) would be checked; a first-wins server would fetch the metadata URL.
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"http://169.254.169.254/latest/\"}}]}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int before = gw.upstream.seen().size();
        HttpResponse<String> r = gw.postJson("/v1/unguarded/chat/completions", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_llm_request");
        assertThat(r.body()).doesNotContain("169.254");
        assertThat(gw.upstream.seen()).hasSize(before);
        assertThat(gw.postJson("/v1/unguarded/chat/completions", key, image("http://127.0.0.1/x.png")).statusCode()).isEqualTo(400);
    }

    @Test
    void inlineMediaAndPublicHostsPass() throws Exception {
        String png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        for (String url : List.of(png, "https://93.184.215.14/cat.png", "http://[2606:4700::6812:1a78]/cat.png")) {
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, image(url));
            assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(200);
            assertThat(gw.upstream.last().body().toJsonObject().getJsonArray("messages").getJsonObject(1).getJsonArray("content")
                    .getJsonObject(1).getJsonObject("image_url").getString("url")).isEqualTo(url);
        }
    }

    @Test
    void allowPrivateOpensItsRangesButNeverMetadata() throws Exception {
        assertThat(privateOk.postJson("/v1/chat/completions", privateKey, image("http://10.1.2.3/img.png")).statusCode()).isEqualTo(200);
        refused(privateOk, privateKey, image("http://192.168.0.7/img.png"), "192.168.0.7", "private address");
        refused(privateOk, privateKey, image("http://169.254.169.254/latest/"), "169.254.169.254", "metadata address");
    }

    @Test
    void inlineModeRefusesEveryFetchedUrl() throws Exception {
        refused(inline, inlineKey, image("https://93.184.215.14/cat.png"), "93.184.215.14", "data: URL");
        assertThat(inline.postJson("/v1/chat/completions", inlineKey, image("data:image/gif;base64,R0lGODlhAQABAAAAACw=")).statusCode()).isEqualTo(200);
    }
}
