package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.testing.Corpora;
import dev.bastion.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OWASP CRS regression tests (third-party data, go-ftw format, from $BASTION_CORPORA) replayed byte
 * for byte through a running Bastion — profile api, block mode, paranoia 1, every path routed to a stub
 * upstream — and scored the way the WAF issue asks: of the tests that expect a paranoia-level-1 rule to
 * fire, how many Bastion refuses (any 4xx: a rule's 403 or the edge's 400 for malformed HTTP), by CRS
 * category; and of the tests that expect a rule not to fire, how many it refuses anyway. The figures
 * are printed; the assertions hold the floor measured when the rule set last changed, so a change that
 * loses detection fails.
 */
class CrsConformanceTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Detection rates (percent) the rule set reaches today; raise them as rules are added, never lower. */
    static final double FLOOR_OVERALL = 95.5;
    /** The families the WAF issue holds to 95 %, each on its own. */
    static final List<String> HELD_TO_95 = List.of("930", "932", "941", "942", "944");
    /** Must-pass tests refused, at most (percent): many are attacks meant for another rule, see docs/waf.md. */
    static final double CEILING_MUST_PASS = 9.0;

    record Case(String category, String id, boolean attack, byte[] request) {}

    /** Where the misses and false refusals are listed, one request per line, for whoever works on the rules. */
    static final Path REPORT = Path.of(System.getProperty("crs.report", "target/crs-report.txt"));

    @Test
    void crsRegressionTestsThroughTheGateway() throws Exception {
        Path root = Corpora.require("crs/tests/regression/tests");
        JsonNode levels = new ObjectMapper().readTree(Files.readString(Corpora.require("crs/rule-paranoia-levels.json")));
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) cases.addAll(read(f, levels));
        }
        // -Dcrs.only=932 (or 932130) replays one family or one rule's tests while working on its rules; the floor is then not checked.
        String only = System.getProperty("crs.only", "");
        if (!only.isEmpty()) cases.removeIf(c -> !c.id().startsWith(only));
        String yaml = TestGateway.config("""
                  - { id: all, match: { methods: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS], path: /* }, upstream: app, public: true, tiers: false }
                """) + """
                limits: { per_ip: off }
                waf:
                  rules: { mode: block, paranoia: 1 }
                """;
        Map<String, int[]> byCategory = new TreeMap<>(); // category → [attacks, refused, benign, falsely refused]
        StringBuilder misses = new StringBuilder();
        try (TestGateway gw = TestGateway.start(yaml)) {
            gw.upstream.behave(req -> req.response().end("ok"));
            for (Case c : cases) {
                Answer answer = send(gw.gateway.publicPort(), c.request());
                int status = answer.status();
                boolean refused = status >= 400 && status < 500;
                int[] n = byCategory.computeIfAbsent(c.category(), k -> new int[4]);
                if (c.attack()) {
                    n[0]++;
                    if (refused) n[1]++;
                } else {
                    n[2]++;
                    if (refused) n[3]++;
                }
                if (c.attack() != refused) {
                    String head = new String(c.request(), StandardCharsets.ISO_8859_1);
                    misses.append(c.attack() ? "MISSED " : "FALSE  ").append(c.id()).append(' ').append(status).append(' ')
                            .append(c.attack() ? "" : rules(gw, answer) + " ")
                            .append(head.replace("\r", "").replace("\n", " | "), 0, Math.min(2000, head.length())).append('\n');
                }
            }
        }
        int attacks = 0, refused = 0, benign = 0, falsely = 0;
        StringBuilder report = new StringBuilder("CRS regression tests through Bastion (api profile, block, PL1):\n");
        report.append(String.format("  %-8s %8s %8s %8s %10s %10s%n", "category", "attacks", "refused", "rate", "must-pass", "refused"));
        for (var e : byCategory.entrySet()) {
            int[] n = e.getValue();
            attacks += n[0];
            refused += n[1];
            benign += n[2];
            falsely += n[3];
            report.append(String.format("  %-8s %8d %8d %7.1f%% %10d %10d%n", e.getKey(), n[0], n[1], pct(n[1], n[0]), n[2], n[3]));
        }
        report.append(String.format("  %-8s %8d %8d %7.1f%% %10d %10d (%.1f%%)%n", "all", attacks, refused, pct(refused, attacks), benign, falsely, pct(falsely, benign)));
        System.out.print(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report + "\n" + misses);
        if (!only.isEmpty()) return;
        assertThat(attacks).as("PL1 attack tests in the corpus").isGreaterThan(2000);
        assertThat(pct(refused, attacks)).as(report.toString()).isGreaterThanOrEqualTo(FLOOR_OVERALL);
        for (String family : HELD_TO_95) {
            int[] n = byCategory.get(family);
            assertThat(pct(n[1], n[0])).as("CRS %s: %s", family, report).isGreaterThanOrEqualTo(95.0);
        }
        assertThat(pct(falsely, benign)).as("must-pass refused: " + report).isLessThanOrEqualTo(CEILING_MUST_PASS);
    }

    static double pct(int a, int b) {
        return b == 0 ? 0 : 100.0 * a / b;
    }

    /** The stages of one go-ftw file that expect a PL1 rule to fire (attacks) or a rule not to fire (benign). */
    static List<Case> read(Path file, JsonNode levels) throws Exception {
        JsonNode doc = YAML.readTree(Files.readString(file));
        String ruleId = doc.path("rule_id").asText(file.getFileName().toString().replace(".yaml", ""));
        String category = ruleId.length() >= 3 ? ruleId.substring(0, 3) : ruleId;
        List<Case> out = new ArrayList<>();
        for (JsonNode test : doc.path("tests")) {
            for (JsonNode stage : test.path("stages")) {
                JsonNode input = stage.path("input"), log = stage.path("output").path("log");
                boolean attack = false;
                for (JsonNode id : log.path("expect_ids")) attack |= levels.path(id.asText()).asInt(0) == 1;
                boolean benign = !attack && log.path("no_expect_ids").size() > 0;
                if (!attack && !benign) continue;
                out.add(new Case(category, ruleId + "-" + test.path("test_id").asText(), attack, request(input)));
            }
        }
        return out;
    }

    /** The bytes go-ftw would send for this input (encoded_request as is; else built, with Host, Content-Length and a form Content-Type completed). */
    static byte[] request(JsonNode in) {
        if (in.hasNonNull("encoded_request")) return Base64.getMimeDecoder().decode(in.get("encoded_request").asText().strip());
        String method = in.path("method").asText("GET");
        String uri = in.path("uri").asText("/");
        String version = in.path("version").asText("HTTP/1.1");
        byte[] data = in.hasNonNull("data") ? in.get("data").asText().getBytes(StandardCharsets.UTF_8) : new byte[0];
        StringBuilder head = new StringBuilder(method).append(' ').append(uri).append(' ').append(version).append("\r\n");
        boolean host = false, length = false, type = false, connection = false;
        var headers = in.path("headers").properties();
        for (var h : headers) {
            if (h.getKey().equalsIgnoreCase("host")) host = true;
            if (h.getKey().equalsIgnoreCase("content-length") || h.getKey().equalsIgnoreCase("transfer-encoding")) length = true;
            if (h.getKey().equalsIgnoreCase("content-type")) type = true;
            if (h.getKey().equalsIgnoreCase("connection")) connection = true;
            head.append(h.getKey()).append(": ").append(h.getValue().asText()).append("\r\n");
        }
        boolean autocomplete = in.path("autocomplete_headers").asBoolean(true);
        if (!host && autocomplete) head.append("Host: localhost\r\n");
        if (!length && autocomplete && data.length > 0) head.append("Content-Length: ").append(data.length).append("\r\n");
        // go-ftw completes a form type too: the tests that need a body without one switch autocompletion off.
        if (!type && autocomplete && data.length > 0) head.append("Content-Type: application/x-www-form-urlencoded\r\n");
        if (!connection) head.append("Connection: close\r\n");
        head.append("\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        b.writeBytes(data);
        return b.toByteArray();
    }

    /** The status of the first response, 0 when none came, and its first bytes. */
    record Answer(int status, String head) {}

    /** Sends the request on a new connection and reads the answer's first 4 KiB. */
    static Answer send(int port, byte[] request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[1024];
            for (int n; got.size() < 4096 && !whole(got.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buf)) > 0; ) got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/")) return new Answer(0, text);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text);
        } catch (Exception e) {
            return new Answer(0, ""); // reset or no answer: not a response
        }
    }

    /** Whether the bytes hold a whole response (head and Content-Length body): a keep-alive test's connection stays open. */
    static boolean whole(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return false;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length:\\s*(\\d+)").matcher(text.substring(0, end));
        return m.find() && text.length() - end - 4 >= Integer.parseInt(m.group(1));
    }

    /** Which rules refused it, from the request's access line (the client is never told), for the report. */
    static String rules(TestGateway gw, Answer a) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"request_id\":\"([^\"]+)\"").matcher(a.head());
        if (a.status() != 403 || !id.find()) return "-";
        try {
            java.util.regex.Matcher rules = java.util.regex.Pattern.compile("\"rules\":\\[([^\\]]*)\\]").matcher(gw.accessLine(id.group(1)));
            return rules.find() ? "[" + rules.group(1) + "]" : "-";
        } catch (InterruptedException | AssertionError e) {
            return "-";
        }
    }
}
