package dev.bastion.testing;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests from a few threads through a gateway until closed; every status that is not 200 is kept. */
public final class SteadyLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    public final List<Integer> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger done = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    public SteadyLoad(TestGateway gw, String path, String clientKey, int threadCount) {
        for (int i = 0; i < threadCount; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = gw.send(gw.request(path).header("Authorization", "Bearer " + clientKey).GET().build());
                        if (r.statusCode() != 200) failures.add(r.statusCode());
                    } catch (Exception e) {
                        failures.add(-1);
                    }
                    done.incrementAndGet();
                }
            }));
        }
    }

    public void waitForMore(int n) throws Exception {
        int target = done.get() + n;
        Eventually.until(n + " more requests", () -> done.get() >= target);
    }

    public int done() {
        return done.get();
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        for (Thread t : threads) t.join();
    }
}
