package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress proxy's limits on real sockets: an idle tunnel is closed after {@code idle_timeout}, a busy one after
 * {@code max_duration}, every tunnel when the gateway stops; an unreachable destination is 502 and a name that
 * does not resolve is 502 with its own code; one that does not accept within {@code connect_timeout} is 504 (a
 * listener whose accept queue is full drops the SYN). The origin is a TCP echo server on loopback.
 */
class EgressProxyLimitsTest {
    private Vertx origins;
    private NetServer echo;
    private EgressConnectorTest.TinyDns dns;
    private TestGateway gw;
    private String key;
    private int closedPort;
    private ServerSocket full; // listening, never accepting, its queue filled: a connect to it hangs
    private final List<Socket> filling = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        origins = Vertx.vertx();
        echo = origins.createNetServer().connectHandler(s -> s.handler(s::write)).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        dns = new EgressConnectorTest.TinyDns();
        full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    }

    /**
     * Only one limit is short in each test, so a closed tunnel can only be that limit's doing: the tests bound the
     * time from below (a timer never fires early) and never from above, which a loaded machine could overrun.
     */
    private void startGateway(String idleTimeout, String maxDuration) throws Exception {
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                  egress: { enabled: true, host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: status
                    match: { methods: [GET], path: /status }
                    upstream: app
                    public: true
                egress:
                  proxy:
                    idle_timeout: IDLE
                    connect_timeout: 700ms
                    max_duration: MAX
                    rules:
                      - name: tests
                        orgs: [org-t]
                        allow: [localhost, "*.test"]
                        ports: [ECHO, CLOSED, FULL]
                        allow_classes: [loopback]
                """.replace("IDLE", idleTimeout).replace("MAX", maxDuration).replace("ECHO", String.valueOf(echo.actualPort())).replace("CLOSED", String.valueOf(closedPort)).replace("FULL", String.valueOf(full.getLocalPort())), 1, Map.of(),
                new VertxOptions().setAddressResolverOptions(dns.resolverOptions()));
        key = gw.createKey("org-t", "invoke");
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
        origins.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dns.close();
        for (Socket s : filling) s.close();
        full.close();
    }

    private Socket tunnel(String authority) throws Exception {
        Socket s = new Socket("127.0.0.1", gw.gateway.egressPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nProxy-Authorization: " + EgressProxyTest.basic(key, "")
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        EgressProxyTest.Raw answer = EgressProxyTest.readResponse(s.getInputStream());
        assertThat(answer.status()).isEqualTo(200);
        return s;
    }

    /** Reads until the proxy closes the socket; the milliseconds that took. */
    private static long untilClosed(Socket s, long startNanos) throws Exception {
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
            // echoes
        }
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void anIdleTunnelIsClosedAfterTheIdleTimeout() throws Exception {
        startGateway("400ms", "10m");
        try (Socket s = tunnel("localhost:" + echo.actualPort())) {
            long start = System.nanoTime();
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(untilClosed(s, start)).isGreaterThanOrEqualTo(300L); // closed for idleness: nothing else is due for 10 minutes
        }
    }

    @Test
    void aBusyTunnelIsClosedAfterTheMaxDuration() throws Exception {
        startGateway("10m", "1500ms");
        try (Socket s = tunnel("localhost:" + echo.actualPort())) {
            long start = System.nanoTime();
            s.setSoTimeout(100);
            boolean closed = false;
            while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
                try {
                    s.getOutputStream().write('x');
                    closed = s.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    // no echo yet
                } catch (java.io.IOException e) {
                    closed = true; // written to a socket the proxy had closed
                }
                Thread.sleep(100);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(closed).isTrue(); // busy all along, and idle_timeout is 10 minutes: max_duration closed it
            assertThat(ms).isGreaterThanOrEqualTo(1400L);
        }
    }

    @Test
    void stoppingTheGatewayClosesItsTunnels() throws Exception {
        startGateway("10m", "10m");
        try (Socket s = tunnel("localhost:" + echo.actualPort())) {
            long start = System.nanoTime();
            gw.close();
            gw = null;
            untilClosed(s, start); // neither limit is due for 10 minutes: closed by the stop
        }
    }

    @Test
    void anUnreachableOrUnresolvableDestinationIs502() throws Exception {
        startGateway("1m", "10m");
        EgressProxyTest.Raw refused;
        try (Socket s = new Socket("127.0.0.1", gw.gateway.egressPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("CONNECT localhost:" + closedPort + " HTTP/1.1\r\nProxy-Authorization: " + EgressProxyTest.basic(key, "")
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            refused = EgressProxyTest.readResponse(s.getInputStream());
        }
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.error().path("code").asText()).isEqualTo("destination_unreachable");
        EgressProxyTest.Raw unresolvable;
        try (Socket s = new Socket("127.0.0.1", gw.gateway.egressPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET http://nowhere.test:" + echo.actualPort() + "/ HTTP/1.1\r\nHost: nowhere.test\r\nProxy-Authorization: "
                    + EgressProxyTest.basic(key, "") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            unresolvable = EgressProxyTest.readResponse(s.getInputStream());
        }
        assertThat(unresolvable.status()).isEqualTo(502);
        assertThat(unresolvable.error().path("code").asText()).isEqualTo("destination_unresolvable");
    }

    @Test
    void aDestinationThatDoesNotAcceptInTimeIs504() throws Exception {
        startGateway("1m", "10m");
        // fill the listener's accept queue: once a connect times out here, the next SYNs are dropped too
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
                filling.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                break;
            }
        }
        long start = System.nanoTime();
        EgressProxyTest.Raw answer;
        try (Socket s = new Socket("127.0.0.1", gw.gateway.egressPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("CONNECT localhost:" + full.getLocalPort() + " HTTP/1.1\r\nProxy-Authorization: " + EgressProxyTest.basic(key, "")
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            answer = EgressProxyTest.readResponse(s.getInputStream());
        }
        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.error().path("code").asText()).isEqualTo("destination_timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(600L); // connect_timeout: 700ms, not a refusal
    }
}
