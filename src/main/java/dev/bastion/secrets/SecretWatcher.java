package dev.bastion.secrets;

import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running gateway's secrets current (K2). Every {@code poll_interval} it re-reads each live
 * {@code file:} reference, and every {@code remote_poll_interval} each live {@code vault:} and {@code aws-sm:}
 * one (on a thread of their own, so a slow secret store never delays the file checks), and swaps a changed
 * value into its {@link RotatingSecret}; new requests use it.
 * It compares contents rather than watching for file events: a Kubernetes secret rotates by swapping the
 * {@code ..data} symlink, which {@code WatchService} does not report, and reading a few small files every
 * few seconds costs nothing. A file that becomes unreadable, empty or a placeholder keeps the last good
 * value, logged once per outage (the reason, never a value) and counted.
 *
 * <p>It also watches every reference's age: once a secret is older than its maximum age it is overdue, a
 * gauge ({@code bastion_secret_overdue{ref}}) and one audit event, both naming the reference's place.
 */
public final class SecretWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretWatcher.class);

    private final SecretResolver resolver;
    private final SecretsConfig config;
    private final Clock clock;
    private final List<Live> live = new CopyOnWriteArrayList<>();
    private final List<Aged> aged = new ArrayList<>();
    private ScheduledExecutorService timer;
    private ScheduledExecutorService remoteTimer;
    private AuditLog audit = (event, fields) -> {};

    private static final class Live {
        final SecretRef ref;
        final String place;
        final RotatingSecret secret;
        final LongAdder rotations = new LongAdder();
        final LongAdder failures = new LongAdder();
        volatile boolean failing; // written by the polling thread; read by the health status
        volatile String version;      // a remote one's version in its store
        volatile Instant changedAt;   // a remote one's version's date

        Live(SecretRef ref, String place, RotatingSecret secret) {
            this.ref = ref;
            this.place = place;
            this.secret = secret;
        }
    }

    private static final class Aged {
        final SecretRef ref;
        final String place;
        volatile boolean overdue;
        /** For a secret read only at start (a store password, the master key): its file's digest then; else null. */
        byte[] startDigest;
        volatile boolean restartRequired;

        Aged(SecretRef ref, String place) {
            this.ref = ref;
            this.place = place;
        }
    }

    /** @param places every reference of the config, by place: the ones whose age is watched */
    public SecretWatcher(SecretResolver resolver, SecretsConfig config, Map<String, SecretRef> places, Clock clock) {
        this.resolver = resolver;
        this.config = config;
        this.clock = clock;
        places.forEach((place, ref) -> {
            if (ref.kind() == SecretRef.Kind.FILE && !ref.templated()) aged.add(new Aged(ref, place));
        });
    }

    /**
     * Resolves a reference whose user reads it per request; a {@code file:} one is re-read on every poll.
     *
     * @throws SecretResolver.SecretException when it cannot be resolved now
     */
    public RotatingSecret live(SecretRef ref, String place) {
        if (ref.kind().remote()) {
            SecretResolver.Resolved r = resolver.await(ref, place);
            Live l = new Live(ref, place, new RotatingSecret(r.secret(), config.graceWindow()));
            l.version = r.version();
            l.changedAt = r.changedAt();
            live.add(l);
            return l.secret;
        }
        RotatingSecret s = new RotatingSecret(resolver.resolve(ref, place), config.graceWindow());
        if (ref.kind() == SecretRef.Kind.FILE) live.add(new Live(ref, place, s));
        return s;
    }

    /** Registers the metrics, checks once, then polls every {@code poll_interval} on a thread of its own. */
    public synchronized SecretWatcher start(MeterRegistry registry, AuditLog audit) {
        this.audit = Objects.requireNonNull(audit);
        for (Live l : live) {
            FunctionCounter.builder("bastion.secret.rotations", l.rotations, LongAdder::sum)
                    .description("Values of a file:, vault: or aws-sm: secret picked up while running").tag("ref", l.place).register(registry);
            FunctionCounter.builder("bastion.secret.reload.failures", l.failures, LongAdder::sum)
                    .description("Re-reads of a secret that failed; the last good value stayed in use").tag("ref", l.place).register(registry);
            Gauge.builder("bastion.secret.failing", l, x -> x.failing ? 1 : 0)
                    .description("1 while the last re-read of the secret failed (the last good value is in use)").tag("ref", l.place).register(registry);
            if (l.ref.kind().remote()) {
                Gauge.builder("bastion.secret.overdue", l, x -> x.changedAt != null && clock.instant().isAfter(x.changedAt.plus(config.maxAgeOf(x.place))) ? 1 : 0)
                        .description("1 when the secret is older than its max_age").tag("ref", l.place).register(registry);
            }
        }
        java.util.Set<String> livePlaces = new java.util.HashSet<>();
        for (Live l : live) livePlaces.add(l.place);
        for (Aged a : aged) {
            Gauge.builder("bastion.secret.overdue", a, x -> x.overdue ? 1 : 0)
                    .description("1 when the secret is older than its max_age").tag("ref", a.place).register(registry);
            if (!livePlaces.contains(a.place)) {
                // Read only at start: a change is noticed and reported, so nobody believes it took effect.
                a.startDigest = digest(a.ref);
                Gauge.builder("bastion.secret.restart.required", a, x -> x.restartRequired ? 1 : 0)
                        .description("1 when a secret read only at start has changed: restart to use it").tag("ref", a.place).register(registry);
            }
        }
        poll();
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bastion-secret-watch").unstarted(r));
        long every = config.pollInterval().toMillis();
        timer.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
        if (live.stream().anyMatch(l -> l.ref.kind().remote())) {
            remoteTimer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bastion-secret-remote").unstarted(r));
            long remoteEvery = config.remotePollInterval().toMillis();
            remoteTimer.scheduleWithFixedDelay(() -> pollSafely(this::pollRemote), remoteEvery, remoteEvery, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void pollSafely() {
        pollSafely(this::poll);
    }

    private void pollSafely(Runnable round) {
        try {
            round.run();
        } catch (RuntimeException e) {
            // A bug must not end the schedule (an exception would cancel it silently).
            log.error("secret watch failed: {} at {}", e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
        }
    }

    /** One round: re-reads every live file reference, then checks every reference's age. */
    synchronized void poll() {
        for (Live l : live) if (!l.ref.kind().remote()) reload(l);
        for (Aged a : aged) {
            boolean overdue = SecretAge.of(a.ref, config.maxAgeOf(a.place)).overdue(clock.instant());
            if (overdue && !a.overdue) {
                log.warn("secret {} ({}) is older than its max_age {}: rotate it", a.place, a.ref.kind().name().toLowerCase(),
                        dev.bastion.config.Durations.format(config.maxAgeOf(a.place)));
                audit.event("secret_overdue", Map.of("ref", a.place, "max_age_seconds", config.maxAgeOf(a.place).toSeconds()));
            }
            a.overdue = overdue;
            if (a.startDigest != null) checkStartOnly(a);
        }
    }

    /** A start-only secret whose file now holds another value: one warning and one audit event per change. */
    private void checkStartOnly(Aged a) {
        byte[] now = digest(a.ref);
        if (now == null) return; // unreadable now: the file re-read's own warning covers it if it is live; else nothing changed in use
        boolean changed = !java.security.MessageDigest.isEqual(now, a.startDigest);
        if (changed && !a.restartRequired) {
            log.warn("secret {} changed, but it is read only at start: restart Bastion to use the new value", a.place);
            audit.event("secret_restart_required", Map.of("ref", a.place));
        }
        a.restartRequired = changed;
    }

    /** SHA-256 of a file reference's value as the resolver reads it (stripped), or null when it cannot be read. */
    private static byte[] digest(SecretRef ref) {
        try {
            String value = java.nio.file.Files.readString(java.nio.file.Path.of(ref.target()), java.nio.charset.StandardCharsets.UTF_8).strip();
            return java.security.MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** One round over the remote references: each read again from its store; an overdue one is reported once. */
    void pollRemote() {
        synchronized (remoteLock) {
            for (Live l : live) {
                if (!l.ref.kind().remote()) continue;
                reload(l);
                boolean overdue = l.changedAt != null && clock.instant().isAfter(l.changedAt.plus(config.maxAgeOf(l.place)));
                if (overdue && !overdueRemote.contains(l.place)) {
                    overdueRemote.add(l.place);
                    log.warn("secret {} ({}) is older than its max_age {}: rotate it", l.place, l.ref.kind().scheme, dev.bastion.config.Durations.format(config.maxAgeOf(l.place)));
                    audit.event("secret_overdue", Map.of("ref", l.place, "max_age_seconds", config.maxAgeOf(l.place).toSeconds()));
                } else if (!overdue) {
                    overdueRemote.remove(l.place);
                }
            }
        }
    }

    private final Object remoteLock = new Object();
    private final java.util.Set<String> overdueRemote = new java.util.HashSet<>();

    private void reload(Live l) {
        Secret next;
        try {
            if (l.ref.kind().remote()) {
                SecretResolver.Resolved r = resolver.await(l.ref, l.place);
                next = r.secret();
                l.version = r.version();
                l.changedAt = r.changedAt();
            } else {
                next = resolver.resolve(l.ref, l.place);
            }
        } catch (SecretResolver.SecretException e) {
            l.failures.increment();
            if (!l.failing) log.warn("secret re-read failed, keeping the last good value: {}", e.getMessage());
            l.failing = true;
            return;
        }
        if (l.failing) log.info("secret {} readable again", l.place);
        l.failing = false;
        if (next.reveal().equals(l.secret.current().reveal())) return;
        l.secret.replace(next);
        l.rotations.increment();
        if (l.ref.kind().remote()) {
            log.info("secret {} rotated ({} version {}): new requests use the new value", l.place, l.ref.kind().scheme, l.version);
            audit.event("secret_rotated", Map.of("ref", l.place, "source", l.ref.kind().scheme, "version", String.valueOf(l.version)));
        } else {
            log.info("secret {} rotated: new requests use the new value", l.place);
            audit.event("secret_rotated", Map.of("ref", l.place));
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        if (remoteTimer != null) remoteTimer.shutdownNow();
    }
}
