package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TestGateway;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 on the public listener over TLS (ALPN): the edge behaviours of HTTP/1.1 that apply, over both versions with
 * Java's HttpClient, and the rapid-reset attack (CVE-2023-44487) with a raw Netty HTTP/2 client.
 */
class Http2GatewayTest {
    static Path dir;
    static TestGateway gw;
    static SSLContext trust;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bastion-h2");
        TestCertificates.ca(dir, "ca");
        TestCertificates.server(dir, "ca", "gw", "IP:127.0.0.1");
        gw = TestGateway.start("""
                listeners:
                  public:
                    host: 127.0.0.1
                    port: 0
                    tls:
                      cert: "%1$s/gw.pem"
                      key: "%1$s/gw-key.pem"
                      http2: { max_concurrent_streams: 50, rst_flood_max_per_window: 50, rst_flood_window: 30s }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                edge: { max_header_bytes: 8KiB }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - { id: open, match: { methods: [GET, POST], path: /open }, upstream: app, public: true, max_body_bytes: 1KiB }
                  - { id: keyed, match: { methods: [GET], path: /keyed }, upstream: app, auth: { methods: [api_key] } }
                  - { id: stream, match: { methods: [GET], path: /stream }, upstream: app, public: true }
                waf:
                  rules: { mode: block }
                """.formatted(dir));
        key = gw.createKey("acme", "read");
        trust = GatewayTlsTest.trusting(dir.resolve("ca.pem"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
    }

    static HttpResponse<String> send(HttpClient.Version version, HttpRequest.Builder request) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(version).sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).as("negotiated").isEqualTo(version);
            return r;
        }
    }

    static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gw.gateway.publicPort() + path));
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void theEdgeBehavesTheSameOnBothVersions(HttpClient.Version version) throws Exception {
        assertThat(send(version, at("/open")).statusCode()).isEqualTo(200);
        // body over the route's cap: 413 in the one shape
        HttpResponse<String> big = send(version, at("/open").POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096))));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("\"code\":").contains("\"request_id\"");
        // authentication refused
        HttpResponse<String> noKey = send(version, at("/keyed"));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.body()).contains("\"code\":\"credentials_missing\"");
        assertThat(send(version, at("/keyed").header("Authorization", "Bearer " + key)).statusCode()).isEqualTo(200);
        // the WAF blocks an attack in the query
        HttpResponse<String> attack = send(version, at("/open?q=1%27%20OR%20%271%27%3D%271%27%20UNION%20SELECT%20password%20FROM%20users--"));
        assertThat(attack.statusCode()).isEqualTo(403);
        assertThat(attack.body()).contains("\"code\":\"request_blocked\"");
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void oversizedHeadersNeverReachTheUpstream(HttpClient.Version version) throws Exception {
        int before = gw.upstream.seen().size();
        HttpRequest.Builder r = at("/open").header("X-Big", "y".repeat(12 * 1024));
        try {
            HttpResponse<String> answer = send(version, r);
            assertThat(answer.statusCode()).isEqualTo(431);
        } catch (java.io.IOException refused) {
            // HTTP/2 may refuse the header block by resetting the stream instead
            assertThat(version).isEqualTo(HttpClient.Version.HTTP_2);
        }
        assertThat(gw.upstream.seen().size()).isEqualTo(before);
        assertThat(send(version, at("/open")).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void aStreamedAnswerArrivesWhole(HttpClient.Version version) throws Exception {
        gw.upstream.behave(req -> {
            var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            for (int i = 0; i < 5; i++) resp.write("data: chunk " + i + "\n\n");
            resp.end("data: [DONE]\n\n");
        });
        try {
            HttpResponse<String> r = send(version, at("/stream"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            assertThat(r.body()).contains("data: chunk 0", "data: chunk 4", "data: [DONE]");
        } finally {
            gw.upstream.behave(dev.bastion.testing.StubUpstream::echoJson);
        }
    }

    @Test
    void curlSpeaksHttp2ThroughTheGateway() throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", dir.resolve("ca.pem").toString(), "-o", "/dev/null",
                "-w", "%{http_version} %{http_code}", "https://127.0.0.1:" + gw.gateway.publicPort() + "/open").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("2 200");
    }

    @Test
    void rapidResetClosesTheConnectionAndTheGatewayServesOthers() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            SslContext ssl = SslContextBuilder.forClient().trustManager(dir.resolve("ca.pem").toFile())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2)).build();
            CompletableFuture<Long> goAway = new CompletableFuture<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            Http2ConnectionHandler h2 = new Http2ConnectionHandlerBuilder().server(false).frameListener(new Http2FrameAdapter() {
                @Override
                public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
                    goAway.complete(errorCode);
                }

                @Override
                public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
                    return data.readableBytes() + padding;
                }
            }).build();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(ssl.newHandler(c.alloc(), "127.0.0.1", gw.gateway.publicPort()), h2);
                    c.closeFuture().addListener(f -> closed.complete(null));
                }
            }).connect("127.0.0.1", gw.gateway.publicPort()).sync().channel();
            // the attack: open a stream and cancel it at once, over and over, never waiting for an answer
            ch.eventLoop().submit(() -> {
                ChannelHandlerContext ctx = ch.pipeline().context(h2);
                for (int i = 0; i < 500 && ch.isActive(); i++) {
                    int stream = 1 + 2 * i;
                    DefaultHttp2Headers headers = new DefaultHttp2Headers();
                    headers.method("GET").scheme("https").authority("127.0.0.1").path("/open");
                    h2.encoder().writeHeaders(ctx, stream, headers, 0, false, ctx.newPromise());
                    h2.encoder().writeRstStream(ctx, stream, Http2Error.CANCEL.code(), ctx.newPromise());
                    if (i % 20 == 19) ctx.flush();
                }
                ctx.flush();
            }).sync();
            // The server closes the connection (what a server that tolerates the flood never does). Its GOAWAY comes first,
            // but the client may never read it: the server closes with the client's frames unread, so its kernel resets the
            // connection, and a reset discards what the client had not read yet (a busy machine made this test time out).
            closed.get(10, TimeUnit.SECONDS);
            if (goAway.isDone()) assertThat(goAway.get()).as("GOAWAY's error code").isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        // everyone else is still served, over HTTP/2 too
        assertThat(send(HttpClient.Version.HTTP_2, at("/open")).statusCode()).isEqualTo(200);
    }
}
