package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.net.Cidr;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress policy through real connections on loopback: a refused destination is refused before any
 * connection (a listener that counts accepts proves it), a configured one works, and a name is resolved
 * once — the connection goes to the address that was checked, whatever DNS answers next.
 */
class EgressConnectorTest {
    private static final ClientProfile PROFILE = new ClientProfile("test", Duration.ofSeconds(2), 4, null, 8192, false);

    private Vertx vertx;
    private final AtomicInteger accepted = new AtomicInteger(); // connections the 127.0.0.1 listener accepted
    private final List<String> hostHeaders = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, ?>> audited = Collections.synchronizedList(new ArrayList<>());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AuditLog audit = (event, fields) -> {
        if (event.equals("egress_denied")) audited.add(fields);
    };
    private HttpServer recorder;
    private TinyDns dns;

    @BeforeEach
    void start() throws Exception {
        dns = new TinyDns();
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(dns.resolverOptions()));
        recorder = listen("127.0.0.1");
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dns.close();
    }

    private HttpServer listen(String host) throws Exception {
        return vertx.createHttpServer()
                .connectionHandler(c -> {
                    if (host.equals("127.0.0.1")) accepted.incrementAndGet();
                })
                .requestHandler(req -> {
                    hostHeaders.add(req.getHeader("Host"));
                    if (req.path().equals("/redirect")) req.response().setStatusCode(302).putHeader("Location", req.getParam("to")).end();
                    else if (req.path().equals("/trickle")) {
                        // a byte every 50 ms, for ever: no idle timeout ever fires
                        req.response().setChunked(true);
                        long id = vertx.setPeriodic(50, t -> req.response().write("x"));
                        req.connection().closeHandler(v -> vertx.cancelTimer(id));
                    } else if (req.path().equals("/big")) req.response().end("y".repeat(5000));
                    else if (req.path().equals("/big-chunked")) {
                        req.response().setChunked(true);
                        for (int i = 0; i < 50; i++) req.response().write("z".repeat(100));
                        req.response().end();
                    } else req.response().end("hello from " + host);
                })
                .listen(0, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private OutboundConnector connector(List<String> configuredHosts, List<String> allowPrivate) {
        return new OutboundConnector(vertx, EgressPolicy.of(configuredHosts, allowPrivate.stream().map(Cidr::parse).toList()), audit, registry);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Runs a call and its handlers on one event loop, as Bastion's callers do: a response's body read by a
     * handler attached later from the test's thread could miss data that arrived in between (a flake).
     */
    private <T> T onLoop(java.util.function.Supplier<Future<T>> call) throws Exception {
        io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(done));
        return await(done.future());
    }

    private String get(OutboundConnector connector, String url, String path) throws Exception {
        return onLoop(() -> connector.request(Destination.of(url), PROFILE, new RequestOptions().setMethod(HttpMethod.GET).setURI(path))
                .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)));
    }

    private Throwable refusal(OutboundConnector connector, String url) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> get(connector, url, "/"));
        return t instanceof ExecutionException e ? e.getCause() : t;
    }

    @Test
    void loopbackInEverySpellingIsRefusedBeforeAnyConnection() {
        OutboundConnector connector = connector(List.of(), List.of());
        int port = recorder.actualPort();
        List<String> spellings = List.of("http://127.0.0.1:%d/", "http://2130706433:%d/", "http://0177.0.0.1:%d/", "http://0x7f.1:%d/",
                "http://127.1:%d/", "http://0x7f000001:%d/", "http://%%31%%32%%37.0.0.1:%d/", "http://[::ffff:127.0.0.1]:%d/",
                "http://[::ffff:7f00:1]:%d/", "http://localhost:%d/", "http://LOCALHOST.:%d/", "http://127.0.0.1:%d\\@1.1.1.1/");
        for (String s : spellings) {
            String url = s.formatted(port);
            assertThat(refusal(connector, url)).as(url).isInstanceOf(EgressDenied.class)
                    .hasMessage("egress_denied: loopback address").hasMessageNotContaining("127.0.0.1");
        }
        // the other differential, a userinfo that looks like a host, never becomes a destination at all
        assertThatThrownBy(() -> Destination.of("http://1.1.1.1@127.0.0.1:" + port + "/")).isInstanceOf(IllegalArgumentException.class);
        assertThat(accepted).hasValue(0);
        assertThat(registry.get("bastion_egress_denied_total").tag("class", "loopback").counter().count()).isEqualTo(spellings.size());
        assertThat(audited).hasSize(spellings.size()).allSatisfy(f -> assertThat(f.get("class")).isEqualTo("loopback"));
    }

    @Test
    void metadataPrivateAndOtherClassesAreRefusedWithTheirClass() {
        OutboundConnector connector = connector(List.of(), List.of());
        Map<String, AddressClass> cases = Map.ofEntries(
                Map.entry("http://169.254.169.254/", AddressClass.METADATA), Map.entry("http://2852039166/", AddressClass.METADATA),
                Map.entry("http://[::169.254.169.254]/", AddressClass.METADATA), Map.entry("http://[64:ff9b::a9fe:a9fe]/", AddressClass.METADATA),
                Map.entry("http://[2002:a9fe:a9fe::]/", AddressClass.METADATA), Map.entry("http://[fd00:ec2::254]/", AddressClass.METADATA),
                Map.entry("http://100.100.100.200/", AddressClass.METADATA), Map.entry("http://10.0.0.5/", AddressClass.PRIVATE),
                Map.entry("http://100.64.1.1/", AddressClass.CGNAT), Map.entry("http://[fd12::1]/", AddressClass.UNIQUE_LOCAL),
                Map.entry("http://0.0.0.0/", AddressClass.UNSPECIFIED), Map.entry("http://[::]/", AddressClass.UNSPECIFIED),
                Map.entry("http://[fe80::1]/", AddressClass.LINK_LOCAL), Map.entry("http://224.0.0.1/", AddressClass.MULTICAST));
        cases.forEach((url, expected) -> assertThat(refusal(connector, url)).as(url).isInstanceOfSatisfying(EgressDenied.class,
                e -> assertThat(e.addressClass()).isEqualTo(expected)));
        assertThat(audited).hasSize(cases.size());
    }

    @Test
    void aWholeAnswerHasOneDeadlineAndOneSizeCap() throws Exception {
        OutboundConnector connector = connector(List.of("127.0.0.1"), List.of());
        Destination to = Destination.of("http://127.0.0.1:" + recorder.actualPort());
        java.util.function.Function<String, Throwable> whole = path -> {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> await(connector.whole(to, PROFILE,
                    new RequestOptions().setMethod(HttpMethod.GET).setURI(path), null, 1000, Duration.ofMillis(400))));
            return t instanceof ExecutionException e ? e.getCause() : t;
        };
        // A trickle keeps an idle timeout from ever firing; the one deadline ends it.
        assertThat(whole.apply("/trickle")).isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(whole.apply("/big")).isInstanceOf(OutboundConnector.TooLarge.class);
        assertThat(whole.apply("/big-chunked")).isInstanceOf(OutboundConnector.TooLarge.class);
        OutboundConnector.WholeResponse ok = await(connector.whole(to, PROFILE, new RequestOptions().setMethod(HttpMethod.GET).setURI("/"),
                null, 1000, Duration.ofSeconds(5)));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().toString()).isEqualTo("hello from 127.0.0.1");
    }

    @Test
    void aConfiguredUpstreamOnLoopbackIsReachedAndKeepsItsHostHeader() throws Exception {
        int port = recorder.actualPort();
        assertThat(get(connector(List.of("127.0.0.1"), List.of()), "http://127.0.0.1:" + port + "/", "/")).isEqualTo("200 hello from 127.0.0.1");
        assertThat(get(connector(List.of("localhost"), List.of()), "http://localhost:" + port + "/", "/")).isEqualTo("200 hello from 127.0.0.1");
        assertThat(hostHeaders).containsExactly("127.0.0.1:" + port, "localhost:" + port);
        assertThat(audited).isEmpty();
    }

    @Test
    void metadataStaysRefusedForAConfiguredHostUnlessAllowPrivateNamesIt() {
        byte[] metadata = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};
        byte[] private10 = {10, 0, 0, 5};
        EgressPolicy configured = EgressPolicy.of(List.of("169.254.169.254", "llm.internal", "10.0.0.5"), List.of());
        assertThat(configured.refusal("169.254.169.254", metadata)).isEqualTo(AddressClass.METADATA);
        assertThat(configured.refusal("llm.internal", metadata)).isEqualTo(AddressClass.METADATA); // a configured name rebound to metadata
        assertThat(configured.refusal("llm.internal", private10)).isNull();
        assertThat(configured.refusal("10.0.0.5", private10)).isNull();
        assertThat(configured.refusal("other.internal", private10)).isEqualTo(AddressClass.PRIVATE);
        EgressPolicy opened = EgressPolicy.of(List.of(), List.of(Cidr.parse("169.254.169.254/32")));
        assertThat(opened.refusal("169.254.169.254", metadata)).isNull();
        assertThat(opened.refusal("anything", new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 253})).isEqualTo(AddressClass.LINK_LOCAL);
    }

    @Test
    void aRedirectIsNotFollowedUnlessAskedAndThenEveryHopIsChecked() throws Exception {
        int port = recorder.actualPort();
        OutboundConnector connector = connector(List.of("127.0.0.1"), List.of());
        assertThat(get(connector, "http://127.0.0.1:" + port + "/", "/redirect?to=http://169.254.169.254/latest/meta-data/")).startsWith("302 ");

        // followed on request: a hop to the configured host is fine, a hop to metadata or an unconfigured private host is refused
        assertThat(follow(connector, "http://127.0.0.1:" + port + "/redirect?to=/hello", 3)).isEqualTo("200 hello from 127.0.0.1");
        for (String to : List.of("http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/", "http://0xa9fea9fe/",
                "http://10.0.0.1/", "http://localhost:" + port + "/hello")) {
            Throwable t = catchFollow(connector, "http://127.0.0.1:" + port + "/redirect?to=" + java.net.URLEncoder.encode(to, java.nio.charset.StandardCharsets.UTF_8), 3);
            assertThat(t).as(to).isInstanceOf(EgressDenied.class);
        }
        // the configured host in another spelling is the configured host: the policy compares canonical hosts
        assertThat(follow(connector, "http://127.0.0.1:" + port + "/redirect?to=" + java.net.URLEncoder.encode("http://2130706433:" + port + "/hello",
                java.nio.charset.StandardCharsets.UTF_8), 3)).isEqualTo("200 hello from 127.0.0.1");
        // the backslash differential in a Location is refused as unusable, never guessed at
        assertThat(catchFollow(connector, "http://127.0.0.1:" + port + "/redirect?to=" + java.net.URLEncoder.encode("http://127.0.0.1\\@1.1.1.1/",
                java.nio.charset.StandardCharsets.UTF_8), 3)).isInstanceOf(IllegalStateException.class).isNotInstanceOf(EgressDenied.class);
        // out of hops: the last redirect is handed back, not followed
        assertThat(follow(connector, "http://127.0.0.1:" + port + "/redirect?to=/redirect", 1)).startsWith("302 ");
        assertThat(hostHeaders).allMatch(h -> h.equals("127.0.0.1:" + port));
    }

    private String follow(OutboundConnector connector, String url, int max) throws Exception {
        return onLoop(() -> connector.follow(java.net.URI.create(url), PROFILE, new RequestOptions().setMethod(HttpMethod.GET), max)
                .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)));
    }

    private Throwable catchFollow(OutboundConnector connector, String url, int max) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> follow(connector, url, max));
        return t instanceof ExecutionException e ? e.getCause() : t;
    }

    @Test
    void dnsRebindingConnectsToTheCheckedAddressNeverToTheNextAnswer() throws Exception {
        HttpServer allowedServer = listen("127.0.0.2");
        int port = allowedServer.actualPort();
        recorder.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        recorder = vertx.createHttpServer().connectionHandler(c -> accepted.incrementAndGet()).requestHandler(r -> r.response().end("rebound"))
                .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); // same port: only the address differs
        // rebind.test: first 127.0.0.2 (allowed by allow_private), then 127.0.0.1 (loopback, refused)
        dns.answers("rebind.test", List.of(List.of("127.0.0.2"), List.of("127.0.0.1")));
        OutboundConnector connector = connector(List.of(), List.of("127.0.0.2/32"));

        assertThat(get(connector, "http://rebind.test:" + port + "/", "/")).isEqualTo("200 hello from 127.0.0.2");
        assertThat(dns.queries("rebind.test")).isEqualTo(1); // resolved once: the connection did not ask again
        assertThat(hostHeaders).containsExactly("rebind.test:" + port);

        assertThat(refusal(connector, "http://rebind.test:" + port + "/")).isInstanceOfSatisfying(EgressDenied.class,
                e -> assertThat(e.addressClass()).isEqualTo(AddressClass.LOOPBACK));
        assertThat(accepted).hasValue(0);
    }

    @Test
    void everyResolvedAddressIsCheckedNotOnlyTheFirst() {
        dns.answers("mixed.test", List.of(List.of("127.0.0.2", "127.0.0.1")));
        assertThat(refusal(connector(List.of(), List.of("127.0.0.2/32")), "http://mixed.test:" + recorder.actualPort() + "/"))
                .isInstanceOfSatisfying(EgressDenied.class, e -> assertThat(e.addressClass()).isEqualTo(AddressClass.LOOPBACK));
        assertThat(accepted).hasValue(0);
    }

    @Test
    void callsFromOutsideAnEventLoopShareOneHomeLoopAndAllComplete() throws Exception {
        // start-up, the secret watcher's thread, workers: plain threads, many at once, on keep-alive connections
        OutboundConnector connector = connector(List.of("127.0.0.1"), List.of());
        String url = "http://127.0.0.1:" + recorder.actualPort() + "/";
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> loops = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        String answer = await(connector.request(Destination.of(url), PROFILE, new RequestOptions().setMethod(HttpMethod.GET).setURI("/"))
                                .compose(req -> {
                                    if (io.vertx.core.Context.isOnEventLoopThread()) loops.add(Thread.currentThread().getName());
                                    return req.send();
                                }).compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)));
                        if (answer.equals("200 hello from 127.0.0.1")) answered.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(failures).isEmpty();
        assertThat(answered).hasValue(200);
        assertThat(loops).as("one home loop, so one pool and no connection used across contexts").hasSize(1);
    }

    @Test
    void anUnreachableCheckedAddressFallsBackToTheNextCheckedOne() throws Exception {
        // two.test: 127.0.0.2 first, where nothing listens on the port, then 127.0.0.1, where the recorder does
        dns.answers("two.test", List.of(List.of("127.0.0.2", "127.0.0.1")));
        OutboundConnector connector = connector(List.of("two.test"), List.of());
        assertThat(get(connector, "http://two.test:" + recorder.actualPort() + "/", "/")).isEqualTo("200 hello from 127.0.0.1");
        assertThat(dns.queries("two.test")).isEqualTo(1);
        assertThat(hostHeaders).containsExactly("two.test:" + recorder.actualPort());
        // every address is still checked before any is tried: one refused address refuses them all
        dns.answers("three.test", List.of(List.of("127.0.0.2", "169.254.169.254", "127.0.0.1")));
        assertThat(refusal(connector(List.of("three.test"), List.of()), "http://three.test:" + recorder.actualPort() + "/"))
                .isInstanceOfSatisfying(EgressDenied.class, e -> assertThat(e.addressClass()).isEqualTo(AddressClass.METADATA));
    }

    /** A DNS server of the test's own: A queries for a name get its next scripted answer (TTL 0); AAAA gets none. */
    static final class TinyDns implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        private final Map<String, List<List<String>>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread thread = Thread.ofVirtual().start(this::serve);

        TinyDns() throws Exception {}

        int port() {
            return socket.getLocalPort();
        }

        /** A Vert.x resolver that asks only this server (no cache), with {@code localhost} in its hosts file. */
        AddressResolverOptions resolverOptions() {
            return new AddressResolverOptions().setServers(List.of("127.0.0.1:" + port())).setCacheMaxTimeToLive(0).setCacheNegativeTimeToLive(0)
                    .setHostsValue(Buffer.buffer("127.0.0.1 localhost\n")).setSearchDomains(List.of()).setNdots(1).setOptResourceEnabled(false);
        }

        void answers(String name, List<List<String>> sequence) {
            scripts.put(name, sequence);
        }

        int queries(String name) {
            return counts.getOrDefault(name, new AtomicInteger()).get();
        }

        private void serve() {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    int i = 12;
                    StringBuilder name = new StringBuilder();
                    while (q[i] != 0) {
                        if (!name.isEmpty()) name.append('.');
                        name.append(new String(q, i + 1, q[i], java.nio.charset.StandardCharsets.US_ASCII));
                        i += q[i] + 1;
                    }
                    int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
                    int questionEnd = i + 5;
                    List<String> addresses = List.of();
                    if (qtype == 1 && scripts.containsKey(name.toString())) {
                        int n = counts.computeIfAbsent(name.toString(), k -> new AtomicInteger()).getAndIncrement();
                        List<List<String>> script = scripts.get(name.toString());
                        addresses = script.get(Math.min(n, script.size() - 1));
                    }
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    out.write(q, 0, 2); // id
                    out.write(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) addresses.size(), 0, 0, 0, 0});
                    out.write(q, 12, questionEnd - 12);
                    for (String a : addresses) {
                        out.write(new byte[] {(byte) 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4});
                        out.write(InetAddress.getByName(a).getAddress());
                    }
                    byte[] answer = out.toByteArray();
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (Exception e) {
                    if (socket.isClosed()) return;
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
