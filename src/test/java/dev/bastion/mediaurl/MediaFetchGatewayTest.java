package dev.bastion.mediaurl;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code egress.media_urls: fetch}: the model server fetches nothing. Under {@code public} a URL whose host is public
 * when Bastion looks could still take the model server inside the network — by a redirect it follows unseen, or by a
 * DNS answer that changes before it fetches. Here Bastion fetches each URL itself (the addresses it dials are the ones
 * judged, and every redirect is judged again) and the upstream gets the content as a {@code data:} URL. A real media
 * server on loopback (reachable through {@code allow_private: [127.0.0.1/32]}, as an intranet host would be) serves an
 * image, redirects to metadata and to another loopback address, and serves what is no image.
 */
class MediaFetchGatewayTest {
    static final byte[] PNG = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    static TestGateway gw;
    static String key;
    static HttpServer media;
    static String base;
    static final List<String> mediaSaw = new CopyOnWriteArrayList<>(); // path and headers of each request the media server got

    @BeforeAll
    static void start() throws Exception {
        media = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        media.createContext("/", x -> {
            mediaSaw.add(x.getRequestURI() + " " + x.getRequestHeaders().keySet());
            int port = media.getAddress().getPort();
            switch (x.getRequestURI().getPath()) {
                case "/cat.png" -> {
                    x.getResponseHeaders().add("Content-Type", "image/png");
                    x.sendResponseHeaders(200, PNG.length);
                    x.getResponseBody().write(PNG);
                }
                case "/moved.png" -> redirect(x, "/cat.png");
                case "/to-metadata.png" -> redirect(x, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
                case "/to-other-loopback.png" -> redirect(x, "http://127.0.0.2:" + port + "/cat.png");
                case "/page.png" -> {
                    byte[] html = "<html>not an image</html>".getBytes(StandardCharsets.UTF_8);
                    x.getResponseHeaders().add("Content-Type", "text/html");
                    x.sendResponseHeaders(200, html.length);
                    x.getResponseBody().write(html);
                }
                case "/huge.png" -> {
                    x.getResponseHeaders().add("Content-Type", "image/png");
                    x.sendResponseHeaders(200, MediaUrlControl.MAX_BYTES_PER_URL + 1); // refused on the declared length
                    x.getResponseBody().flush();
                    drip(x, 20);
                }
                case "/endless.png" -> {
                    x.getResponseHeaders().add("Content-Type", "image/png");
                    x.sendResponseHeaders(200, 0); // chunked, no length: refused once more than the share has arrived
                    drip(x, 64);
                }
                default -> x.sendResponseHeaders(404, -1);
            }
            x.close();
        });
        media.start();
        base = "http://127.0.0.1:" + media.getAddress().getPort();
        gw = TestGateway.start(TestGateway.config(MediaUrlGatewayTest.ROUTE + "egress: { media_urls: fetch, allow_private: [127.0.0.1/32] }\n"));
        gw.upstream.behave(StubUpstream::echoJson);
        key = gw.createKey("acme", "invoke");
    }

    /** Writes up to {@code mib} MiB, until the fetcher, past its limit, resets the connection. */
    static void drip(com.sun.net.httpserver.HttpExchange x, int mib) {
        byte[] chunk = new byte[1 << 20];
        try {
            for (int i = 0; i < mib; i++) x.getResponseBody().write(chunk);
        } catch (java.io.IOException closedByTheFetcher) {
            // expected
        }
    }

    static void redirect(com.sun.net.httpserver.HttpExchange x, String to) throws java.io.IOException {
        x.getResponseHeaders().add("Location", to);
        x.sendResponseHeaders(302, -1);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        media.stop(0);
    }

    static JsonObject imagePartSent() {
        return gw.upstream.last().body().toJsonObject().getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(1);
    }

    @Test
    void theUpstreamGetsTheImageInlineAndNeverTheUrl() throws Exception {
        String inline = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
        for (String path : List.of("/cat.png", "/moved.png")) { // a redirect to an address that may be fetched is followed
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, MediaUrlGatewayTest.image(base + path + "?sig=s3cr3t"));
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(imagePartSent().getJsonObject("image_url").getString("url")).isEqualTo(inline);
            assertThat(gw.upstream.last().body().toString()).doesNotContain(base);
        }
        // The string form (input_image) is replaced in place too.
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key,
                MediaUrlGatewayTest.withImage(new JsonObject().put("type", "input_image").put("image_url", base + "/cat.png")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(imagePartSent().getString("image_url")).isEqualTo(inline);
        // The media host gets none of the caller's credentials or headers.
        assertThat(mediaSaw).isNotEmpty().allSatisfy(seen -> assertThat(seen.toLowerCase()).doesNotContain("authorization", "x-api-key", "cookie"));
    }

    /** The attack {@code public} cannot stop: a public-looking URL that redirects the fetch inside the network. */
    @Test
    void aRedirectToMetadataOrAnotherInternalAddressIsRefusedAtTheHop() throws Exception {
        refused("/to-metadata.png", "media_url_refused", "metadata");
        refused("/to-other-loopback.png", "media_url_refused", "loopback");
    }

    @Test
    void whatIsNotMediaOrTooLargeOrMissingIsRefusedAndNothingReachesTheUpstream() throws Exception {
        refused("/page.png", "media_url_unfetchable", "text/html");
        refused("/huge.png", "media_url_unfetchable", "larger than");
        refused("/endless.png", "media_url_unfetchable", "larger than");
        refused("/missing.png", "media_url_unfetchable", "status 404");
        // An address the policy closes is refused before any fetch, as under public.
        int before = mediaSaw.size();
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, MediaUrlGatewayTest.image("http://10.0.0.5/x.png"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("media_url_refused");
        assertThat(mediaSaw).hasSize(before);
    }

    @Test
    void dataUrlsAndRequestsWithoutMediaPassUntouched() throws Exception {
        String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, MediaUrlGatewayTest.image(png));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(imagePartSent().getJsonObject("image_url").getString("url")).isEqualTo(png);
        String plain = new JsonObject().put("model", "gpt-4o").put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
        assertThat(gw.postJson("/v1/chat/completions", key, plain).statusCode()).isEqualTo(200);
        assertThat(TestGateway.withoutEndUserId(gw.upstream.last().body().toString())).isEqualTo(plain);
    }

    static void refused(String path, String code, String why) throws Exception {
        int before = gw.upstream.seen().size();
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, MediaUrlGatewayTest.image(base + path + "?sig=s3cr3t"));
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            JsonObject err = new JsonObject(r.body()).getJsonObject("error");
            assertThat(err.getString("code")).as(path + " " + r.body()).isEqualTo(code);
            assertThat(err.getString("message")).as(path).startsWith("The URL at /messages/1/content/1/image_url/url").contains(why);
            assertThat(err.getString("request_id")).isNotBlank();
            assertThat(r.body()).as("the URL is not repeated").doesNotContain(path, "s3cr3t", "127.0.0.1");
            assertThat(logs.all()).doesNotContain("s3cr3t");
        }
        assertThat(gw.upstream.seen()).as("nothing reached the upstream").hasSize(before);
    }
}
