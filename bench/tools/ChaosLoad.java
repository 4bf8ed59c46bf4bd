import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/chaos.sh's load: a constant offered rate (open model: a request is sent on schedule whatever the earlier
 * ones are doing), round-robin over the cluster's nodes, every {@code badEvery}-th with a credential no key matches
 * (a 401 the audit trail must record). Each answer is counted under the phase it was sent in — read from
 * PHASE_FILE, which the script rewrites as it injects faults — by status and the JSON body's error code; a
 * request that gets no answer counts under its class and the node it was sent to ({@code NODE} = its URL's place,
 * from 1): {@code connect_refused@NODE} (nothing listens: a node that is down), {@code no_answer@NODE} (the client's
 * 10 s timeout ran out: something hangs), {@code transport:EXCEPTION@NODE} (the connection broke mid-request).
 * Stops when the phase file says {@code stop}, then waits for what is in flight and writes
 * {@code phase, status, code, count} lines (tab-separated) to OUT, and the request id, node and phase of every 401
 * it received to OUT.401-ids (each must have its audit event).
 *
 *   java bench/tools/ChaosLoad.java RATE PHASE_FILE OUT BODY_FILE KEY BAD_EVERY URL...
 */
public final class ChaosLoad {
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");
    /** Beyond this many unanswered requests the driver sheds instead of piling up: counted as {@code client_shed}. */
    private static final int MAX_IN_FLIGHT = 2000;

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        Path phaseFile = Path.of(args[1]);
        Path out = Path.of(args[2]);
        String body = Files.readString(Path.of(args[3]));
        String key = args[4];
        int badEvery = Integer.parseInt(args[5]);
        String[] urls = java.util.Arrays.copyOfRange(args, 6, args.length);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newFixedThreadPool(4)).build();
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        java.util.Queue<String> refusedIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        long sent = 0;
        long start = System.nanoTime();
        String phase = Files.readString(phaseFile).trim();
        long nextPhaseRead = 0;
        while (!phase.equals("stop")) {
            long now = System.nanoTime();
            if (now >= nextPhaseRead) {
                phase = Files.readString(phaseFile).trim();
                nextPhaseRead = now + TimeUnit.MILLISECONDS.toNanos(50);
            }
            long due = (now - start) * rate / 1_000_000_000L; // requests the schedule wants sent by now
            for (; sent < due; sent++) {
                String p = phase;
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    count(counts, p, "0", "client_shed");
                    continue;
                }
                boolean bad = badEvery > 0 && sent % badEvery == 0;
                int node = (int) (sent % urls.length) + 1;
                HttpRequest req = HttpRequest.newBuilder(URI.create(urls[node - 1])).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + (bad ? "bst_chaos_not_a_key_" + sent : key))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                inFlight.incrementAndGet();
                client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
                    inFlight.decrementAndGet();
                    if (t != null) {
                        Throwable c = t.getCause() != null ? t.getCause() : t;
                        String kind = c instanceof java.net.ConnectException ? "connect_refused"
                                : c instanceof java.net.http.HttpConnectTimeoutException ? "connect_timeout"
                                : c instanceof java.net.http.HttpTimeoutException ? "no_answer" : "transport:" + c.getClass().getSimpleName();
                        count(counts, p, "0", kind + "@" + node);
                    } else {
                        String code = "-";
                        if (r.statusCode() != 200) {
                            Matcher m = CODE.matcher(r.body());
                            code = m.find() ? m.group(1) : "no_code";
                        }
                        count(counts, p, Integer.toString(r.statusCode()), code);
                        if (r.statusCode() == 401) r.headers().firstValue("x-request-id").ifPresent(id -> refusedIds.add(id + '\t' + node + '\t' + p));
                    }
                });
            }
            Thread.sleep(2);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(counts).forEach((k, v) -> lines.append(k).append('\t').append(v.sum()).append('\n'));
        if (inFlight.get() > 0) lines.append("end\t0\tunanswered_at_exit\t").append(inFlight.get()).append('\n');
        Files.writeString(out, lines);
        Files.write(Path.of(out + ".401-ids"), refusedIds);
        System.exit(0);
    }

    private static void count(Map<String, LongAdder> counts, String phase, String status, String code) {
        counts.computeIfAbsent(phase + '\t' + status + '\t' + code, k -> new LongAdder()).increment();
    }
}
