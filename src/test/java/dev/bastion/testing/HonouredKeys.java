package dev.bastion.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A provider stand-in on a gateway's {@link StubUpstream} that accepts only the keys it currently honours, as a
 * real one does (old and new during a switch, then only the new), and records every key it was sent — so a
 * request sent with a stale or half-read key fails the test.
 */
public final class HonouredKeys {
    private final AtomicReference<Set<String>> honoured;
    public final List<String> sent = new CopyOnWriteArrayList<>();

    public HonouredKeys(StubUpstream upstream, String... honoured) {
        this.honoured = new AtomicReference<>(Set.of(honoured));
        upstream.behave(req -> {
            String auth = req.getHeader("Authorization");
            String key = auth == null ? "" : auth.substring("Bearer ".length());
            sent.add(key);
            if (this.honoured.get().contains(key)) req.response().end("{\"ok\":true}");
            else req.response().setStatusCode(401).end("{\"error\":\"invalid_api_key\"}");
        });
    }

    public void honour(String... keys) {
        honoured.set(Set.of(keys));
    }

    public String last() {
        return sent.getLast();
    }

    /**
     * Rotates {@code from} to {@code to} with {@code rotate} while a steady load runs through {@code path}: the
     * provider honours both during the switch, then only the new one; no request may fail, and only the new key
     * is sent after.
     */
    public void rotateUnderLoad(TestGateway gw, String path, String clientKey, String from, String to, Runnable rotate) throws Exception {
        try (SteadyLoad load = new SteadyLoad(gw, path, clientKey, 4)) {
            load.waitForMore(50);
            honour(from, to);
            rotate.run();
            Eventually.until("requests carry the new key", () -> last().equals(to));
            load.waitForMore(20);
            honour(to);
            sent.clear();
            load.waitForMore(50);
            assertThat(sent).containsOnly(to);
            load.close();
            assertThat(load.failures).as("requests that failed during the rotation").isEmpty();
        }
    }
}
