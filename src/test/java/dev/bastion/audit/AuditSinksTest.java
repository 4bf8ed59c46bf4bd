package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.AuditSinkConfig;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OtlpReceiver;
import dev.bastion.testing.SyslogReceiver;
import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIEM sinks against receivers of the tests' own: a TLS syslog server with a test CA (framing and RFC 5424
 * fields checked; a server with a wrong certificate gets nothing), an OTLP/HTTP logs receiver decoding the
 * protobuf, and a file — each fed by a real gateway from its real store. A sink that is down loses nothing in the
 * store and holds up no request.
 */
class AuditSinksTest {
    static final String BAD_KEY = "bst_" + "live_Qw7Er4Ty1Ui8Op5As2Df9Gh6Jk3Lz0Xc7";
    static final Pattern RFC5424 = Pattern.compile("<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) - (\\S+) (\\[.*\\]|- .*)");
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("syslog-tls");
        TestCertificates.ca(dir, "test-ca");
        TestCertificates.ca(dir, "other-ca");
        TestCertificates.server(dir, "test-ca", "good", "IP:127.0.0.1");
        TestCertificates.server(dir, "test-ca", "wrong-name", "DNS:siem.other.example");
        TestCertificates.server(dir, "other-ca", "wrong-ca", "IP:127.0.0.1");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
    }

    static String gatewayConfig(String sinks) {
        return TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
                """) + """
                audit:
                  node: gw-sinks
                  auth_failure_sample: 1000
                  flush_interval: 20ms
                  sinks:
                """ + sinks;
    }

    static List<AuditRow> stored(TestGateway gw, String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 1000, true, false);
    }

    @Test
    void everyStoredEventReachesTheFileTheSyslogServerAndTheOtlpCollectorInTheirForms() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (SyslogReceiver syslog = new SyslogReceiver(dir.resolve("good.pem"), dir.resolve("good-key.pem"));
             OtlpReceiver otlp = new OtlpReceiver();
             TestGateway gw = TestGateway.start(gatewayConfig("""
                         - { type: file, path: "%s" }
                         - { type: syslog, host: 127.0.0.1, port: %d, ca_file: "%s" }
                         - { type: syslog, name: syslog-json, host: 127.0.0.1, port: %d, ca_file: "%s", format: json }
                         - { type: otlp, endpoint: "%s" }
                     """.formatted(file, syslog.port(), dir.resolve("test-ca.pem"), syslog.port(), dir.resolve("test-ca.pem"), otlp.logsEndpoint())))) {
            for (int i = 0; i < 5; i++) assertThat(gw.get("/api/x", BAD_KEY).statusCode()).isEqualTo(401);
            Eventually.until("5 auth failures stored", () -> stored(gw, "auth.failure").size() == 5);
            List<AuditRow> rows = stored(gw, "auth.failure");
            int all = gw.store.audit().search(AuditRepository.Filter.ALL, 1000, true, false).size();

            // file: the export's JSON line of each stored event, chain columns included
            Eventually.until("the file has every event", () -> Files.exists(file) && Files.readAllLines(file).size() >= all);
            List<String> lines = Files.readAllLines(file);
            for (AuditRow r : rows) assertThat(lines).contains(AuditFormats.eventJson(r).encode());

            // syslog: octet-counted frames of RFC 5424 messages, structured data and JSON
            Eventually.until("syslog has every event twice", () -> syslog.messages.size() >= 2 * all);
            assertThat(syslog.framingErrors).isEmpty();
            List<String> structured = new ArrayList<>(), json = new ArrayList<>();
            for (String m : syslog.messages) (m.contains("[bastion@32473 ") ? structured : json).add(m);
            AuditRow first = rows.getFirst();
            String msg = structured.stream().filter(m -> m.contains("id=\"" + first.id() + "\"")).findFirst().orElseThrow();
            Matcher m = RFC5424.matcher(msg);
            assertThat(m.matches()).as(msg).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("facility 10, severity warning (4)").isEqualTo(10 * 8 + 4);
            assertThat(Instant.parse(m.group(2)).toEpochMilli()).isEqualTo(first.ts());
            assertThat(m.group(3)).isEqualTo("gw-sinks");
            assertThat(m.group(4)).isEqualTo("bastion");
            assertThat(m.group(5)).isEqualTo("auth.failure");
            assertThat(msg).contains("seq=\"" + first.seq() + "\"").contains("hash=\"" + first.hash() + "\"").contains("reason=\"" + first.reason() + "\"")
                    .contains("request_id=\"" + first.requestId() + "\"");
            String jsonMsg = json.stream().filter(x -> x.contains(first.id())).findFirst().orElseThrow();
            Matcher jm = RFC5424.matcher(jsonMsg);
            assertThat(jm.matches()).isTrue();
            assertThat(new JsonObject(jsonMsg.substring(jsonMsg.indexOf("- {") + 2))).isEqualTo(AuditFormats.eventJson(first));

            // OTLP: a log record per event, severity mapped, body the JSON line, the schema as attributes
            Eventually.until("the collector has every event", () -> otlp.logs().size() >= all);
            OtlpReceiver.LogRecord rec = otlp.logs().stream().filter(l -> first.id().equals(l.attributes().get("bastion.audit.id"))).findFirst().orElseThrow();
            assertThat(rec.severityNumber()).as("WARN").isEqualTo(13);
            assertThat(rec.severityText()).isEqualTo("warning");
            assertThat(rec.eventName()).isEqualTo("auth.failure");
            assertThat(rec.timeUnixNano()).isEqualTo(first.ts() * 1_000_000);
            assertThat(new JsonObject(rec.body())).isEqualTo(AuditFormats.eventJson(first));
            assertThat(rec.attributes()).containsEntry("bastion.audit.request_id", first.requestId()).containsEntry("bastion.audit.node", "gw-sinks");
            assertThat(rec.resource()).containsEntry("service.name", "bastion");

            // the credential the client tried reaches no sink
            assertThat(String.join("\n", lines)).doesNotContain(BAD_KEY);
            assertThat(String.join("\n", syslog.messages)).doesNotContain(BAD_KEY);
            assertThat(otlp.logs().toString()).doesNotContain(BAD_KEY);
        }
    }

    @Test
    void aSyslogServerWithAWrongCertificateGetsNothing() throws Exception {
        for (String cert : List.of("wrong-name", "wrong-ca")) {
            try (SyslogReceiver wrong = new SyslogReceiver(dir.resolve(cert + ".pem"), dir.resolve(cert + "-key.pem"))) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                AuditSinks sinks = AuditSinks.start(List.of(new AuditSinkConfig(AuditSinkConfig.Type.SYSLOG, null, null, null, "127.0.0.1", wrong.port(),
                        dir.resolve("test-ca.pem").toString(), null, null, null, null, 100, Duration.ofMillis(200))), c -> null, registry);
                try {
                    sinks.offer(List.of(row(1)));
                    Eventually.until(cert + ": the send failed", () -> registry.counter("bastion.audit.sink.failures", "sink", "syslog").count() >= 2);
                    assertThat(wrong.messages).as(cert).isEmpty();
                    assertThat(registry.get("bastion.audit.sink.up").gauge().value()).isZero();
                    assertThat(sinks.status()).singleElement().satisfies(st -> assertThat(st.up()).isFalse());
                    assertThat(registry.counter("bastion.audit.sink.events", "sink", "syslog", "outcome", "sent").count()).isZero();
                } finally {
                    sinks.close();
                }
            }
        }
    }

    /** A value from the admin listener's /metrics; 0 when the series is absent. */
    static double metric(TestGateway gw, String name, String... labels) throws Exception {
        String text = gw.send(java.net.http.HttpRequest.newBuilder(gw.adminUri("/metrics")).GET().build()).body();
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{")) continue;
            boolean all = true;
            for (String l : labels) all &= line.contains(l);
            if (all) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    static AuditRow row(long seq) {
        return AuditRecords.toRow(AuditRecords.newId(), AuditEvent.of(AuditType.CONFIG_LOADED, null, null, Map.of("routes", 1))).link("n1", seq, AuditRow.GENESIS);
    }

    /**
     * The attack on availability: a syslog "server" that accepts TCP and never answers the handshake. Every request
     * is still answered, every event is still stored, and the sink's overflow is counted, not waited for.
     */
    @Test
    void aSinkThatHangsLosesNothingInTheStoreAndHoldsUpNoRequest() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(blackHole.accept()); // accepted, never read: the TLS handshake waits
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            try (TestGateway gw = TestGateway.start(gatewayConfig("""
                         - { type: syslog, host: 127.0.0.1, port: %d, ca_file: "%s", queue_size: 8 }
                     """.formatted(blackHole.getLocalPort(), dir.resolve("test-ca.pem"))))) {
                int n = 60;
                for (int i = 0; i < n; i++) assertThat(gw.get("/api/x", BAD_KEY).statusCode()).isEqualTo(401);
                Eventually.until("all " + n + " stored", () -> stored(gw, "auth.failure").size() == n);
                Eventually.until("the sink was reached", () -> !held.isEmpty());
                assertThat(metric(gw, "bastion_audit_sink_events_total", "outcome=\"dropped\"", "sink=\"syslog\""))
                        .as("the overflow is dropped for the sink and counted").isGreaterThan(0);
                assertThat(metric(gw, "bastion_audit_sink_events_total", "outcome=\"sent\"", "sink=\"syslog\"")).isZero();
                assertThat(metric(gw, "bastion_audit_events_total", "outcome=\"dropped\"")).as("nothing lost in the trail").isZero();
            } finally {
                for (Socket s : held) s.close();
                acceptor.interrupt();
            }
        }
    }
}
