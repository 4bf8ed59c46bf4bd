import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark helper (not part of Bastion): time to first token through a streamed chat completion. Sends
 * N streamed requests one after another to each URL, in turns (so both see the same machine), and prints
 * for each the median and 90th percentile of the time from sending the request to the first SSE event
 * carrying non-empty content, and to the end of the stream.
 *
 *   java bench/tools/StreamTiming.java KEY N BODY URL...
 */
public class StreamTiming {
    public static void main(String[] args) throws Exception {
        String key = args[0];
        int n = Integer.parseInt(args[1]);
        String body = args[2];
        List<String> urls = List.of(args).subList(3, args.length);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<List<Double>> first = new ArrayList<>(), total = new ArrayList<>();
        for (String u : urls) {
            first.add(new ArrayList<>());
            total.add(new ArrayList<>());
        }
        for (int i = 0; i < n + 3; i++) {
            for (int k = 0; k < urls.size(); k++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(urls.get(k))).header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
                long t0 = System.nanoTime();
                HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) throw new IllegalStateException(urls.get(k) + " answered " + r.statusCode());
                long tFirst = -1;
                StringBuilder seen = new StringBuilder();
                try (InputStream in = r.body()) {
                    byte[] buf = new byte[8192];
                    for (int m; (m = in.read(buf)) > 0; ) {
                        if (tFirst >= 0) continue;
                        seen.append(new String(buf, 0, m, StandardCharsets.UTF_8));
                        if (seen.toString().matches("(?s).*\"content\":\"[^\"]+\".*")) tFirst = System.nanoTime();
                    }
                }
                long tEnd = System.nanoTime();
                if (i < 3) continue; // warm-up
                first.get(k).add((tFirst - t0) / 1e6);
                total.get(k).add((tEnd - t0) / 1e6);
            }
        }
        System.out.printf("%-48s %14s %14s %14s %14s%n", "url", "first p50 ms", "first p90 ms", "total p50 ms", "total p90 ms");
        for (int k = 0; k < urls.size(); k++) {
            System.out.printf("%-48s %14.1f %14.1f %14.1f %14.1f%n", urls.get(k), pct(first.get(k), 50), pct(first.get(k), 90),
                    pct(total.get(k), 50), pct(total.get(k), 90));
        }
    }

    static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
