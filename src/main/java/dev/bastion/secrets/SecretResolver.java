package dev.bastion.secrets;

import dev.bastion.config.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Turns references into {@link Secret}s, and refuses values that are obviously not real secrets
 * ({@code REPLACE_ME}, {@code changeme}, {@code <your-key>}): a gateway that starts with a placeholder key fails
 * later, in production, in confusing ways. {@code env:} and {@code file:} are read here; {@code vault:} and
 * {@code aws-sm:} through the {@link SecretSource} of their scheme ({@link #withSources}), which is asynchronous:
 * {@link #fetch} is the asynchronous way for every scheme, {@link #resolve} waits for it and refuses to run on
 * an event loop.
 */
public final class SecretResolver {
    private static final Set<String> PLACEHOLDERS = Set.of(
            "replace_me", "replaceme", "replace-me", "changeme", "change_me", "change-me", "todo", "tbd", "fixme",
            "xxx", "xxxx", "secret", "password", "your_api_key", "your-api-key", "yourapikey", "api_key", "apikey",
            "sk-...", "sk-xxx", "dummy", "example", "test", "none", "null");

    private final Function<String, String> environment;
    private final Map<SecretRef.Kind, SecretSource> sources;
    private final long timeoutMillis;

    public SecretResolver() {
        this(System::getenv);
    }

    /** For tests: a fixed environment instead of the process's. */
    public SecretResolver(Map<String, String> environment) {
        this(environment::get);
    }

    private SecretResolver(Function<String, String> environment) {
        this(environment, Map.of(), 10_000);
    }

    private SecretResolver(Function<String, String> environment, Map<SecretRef.Kind, SecretSource> sources, long timeoutMillis) {
        this.environment = environment;
        this.sources = sources;
        this.timeoutMillis = timeoutMillis;
    }

    /** This resolver, reading the remote schemes ({@code vault:}, {@code aws-sm:}) from {@code sources}. */
    public SecretResolver withSources(Map<SecretRef.Kind, SecretSource> sources, java.time.Duration timeout) {
        Map<SecretRef.Kind, SecretSource> all = new EnumMap<>(SecretRef.Kind.class);
        all.putAll(this.sources);
        all.putAll(sources);
        return new SecretResolver(environment, Map.copyOf(all), timeout.toMillis());
    }

    /**
     * This resolver with the secret stores {@code config} names: Vault ({@code secrets.vault}) and Secrets Manager
     * ({@code secrets.aws}), both reached through {@code connector}. Close the result to close them.
     */
    public SecretResolver connect(io.vertx.core.Vertx vertx, dev.bastion.egress.OutboundConnector connector, dev.bastion.config.SecretsConfig config) {
        Map<SecretRef.Kind, SecretSource> made = new EnumMap<>(SecretRef.Kind.class);
        if (config.vault() != null) made.put(SecretRef.Kind.VAULT, new VaultSource(vertx, connector, config.vault(), config.timeout(), this, java.time.Clock.systemUTC()));
        if (config.aws() != null) made.put(SecretRef.Kind.AWS_SM, new AwsSecretsManagerSource(vertx, connector, config.aws(), config.timeout(), this));
        return made.isEmpty() ? this : withSources(made, config.timeout());
    }

    /** Closes the secret stores' clients this resolver made; env: and file: need none. */
    public void close() {
        sources.values().forEach(SecretSource::close);
    }

    /** True when references of {@code kind} can be resolved by this resolver. */
    public boolean reads(SecretRef.Kind kind) {
        return !kind.remote() || sources.containsKey(kind);
    }

    /**
     * A resolved value and where it stands.
     *
     * @param version   the secret store's version of it; null for env: and file:
     * @param changedAt when that version was written (a file's modification time); null when unknown
     */
    public record Resolved(Secret secret, String version, Instant changedAt) {}

    /**
     * Resolves any reference without waiting on the calling thread: remote ones through their source, files on
     * a worker thread. Fails with {@link SecretException} (for a {@code vault:}/{@code aws-sm:} one, caused by a
     * {@link SecretSource.Failure} whose reason tells a missing secret from an unreachable store).
     */
    public CompletableFuture<Resolved> fetch(SecretRef ref, String where) {
        if (ref.templated()) return CompletableFuture.failedFuture(new SecretException(where + ": " + ref + " is per org: it is resolved per request"));
        return switch (ref.kind()) {
            case ENV -> {
                try {
                    yield CompletableFuture.completedFuture(new Resolved(resolve(ref, where), null, null));
                } catch (SecretException e) {
                    yield CompletableFuture.failedFuture(e);
                }
            }
            case FILE -> CompletableFuture.supplyAsync(() -> new Resolved(resolve(ref, where), null, SecretAge.of(ref, java.time.Duration.ofDays(1)).changedAt()),
                    FILE_READS);
            case VAULT, AWS_SM -> {
                SecretSource source = sources.get(ref.kind());
                if (source == null) {
                    yield CompletableFuture.failedFuture(new SecretException(where + ": " + ref.kind().scheme + ": references need secrets."
                            + (ref.kind() == SecretRef.Kind.VAULT ? "vault" : "aws") + " in the config, and are read only by the gateway's upstream keys and the secrets it resolves after start"));
                }
                yield source.fetch(ref).handle((f, e) -> {
                    if (e != null) {
                        Throwable cause = VaultSource.unwrap(e);
                        if (cause instanceof SecretSource.Failure failure) throw new SecretException(where + ": " + failure.getMessage(), failure);
                        throw new SecretException(where + ": " + ref.kind().scheme + " read failed (" + cause.getClass().getSimpleName() + ")");
                    }
                    return new Resolved(checked(ref, where, f.value()), f.version(), f.changedAt());
                });
            }
        };
    }

    private static final java.util.concurrent.Executor FILE_READS = java.util.concurrent.Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("bastion-secret-file").unstarted(r));

    /**
     * @param where the YAML path of the reference, used in the error
     * @throws SecretException when the reference cannot be resolved or resolves to a placeholder
     */
    public Secret resolve(SecretRef ref, String where) {
        if (ref.kind().remote()) return await(ref, where).secret();
        String value = switch (ref.kind()) {
            case ENV -> {
                String v = environment.apply(ref.target());
                if (v == null) throw new SecretException(where + ": environment variable " + ref.target() + " is not set");
                yield v;
            }
            case FILE -> {
                try {
                    yield Files.readString(Path.of(ref.target()), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new SecretException(where + ": cannot read " + ref.target() + " (" + e.getClass().getSimpleName() + ")");
                }
            }
            case VAULT, AWS_SM -> throw new IllegalStateException("not reached");
        };
        return checked(ref, where, value);
    }

    /**
     * Resolves a reference and waits for it: for start-up and the watcher's thread. Refused on an event loop.
     *
     * @throws SecretException when it cannot be resolved (in time)
     */
    public Resolved await(SecretRef ref, String where) {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new SecretException(where + ": " + ref.kind().scheme + ": references cannot be waited for on an event loop");
        }
        try {
            return fetch(ref, where).get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretException(where + ": interrupted while reading " + ref.kind().scheme + ": reference");
        } catch (TimeoutException e) {
            throw new SecretException(where + ": no answer from the " + ref.kind().scheme + " secret store in " + timeoutMillis + "ms",
                    new SecretSource.Failure(SecretSource.Reason.UNAVAILABLE, "timeout"));
        } catch (ExecutionException e) {
            Throwable cause = VaultSource.unwrap(e);
            if (cause instanceof SecretException se) throw se;
            throw new SecretException(where + ": " + cause.getClass().getSimpleName());
        }
    }

    private Secret checked(SecretRef ref, String where, String value) {
        value = value.strip();
        if (value.isEmpty()) throw new SecretException(where + ": " + ref + " is empty");
        if (isPlaceholder(value)) {
            // Never print the value itself, even a placeholder: the same message path serves real secrets.
            throw new SecretException(where + ": " + ref + " holds a placeholder, not a real secret; set the real value");
        }
        LogRedactor.global().add(value); // from now on, a log line that holds it anyway is redacted
        return Secret.of(value);
    }

    static boolean isPlaceholder(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.contains(v)) return true;
        if (v.startsWith("<") && v.endsWith(">")) return true;          // <your-key-here>
        if (v.startsWith("${") && v.endsWith("}")) return true;         // an unexpanded template
        if (v.contains("replace_me") || v.contains("replace-me") || v.contains("your-api-key") || v.contains("your_api_key")) return true;
        return v.chars().distinct().count() == 1 && v.length() > 2;     // "xxxxxxxx", "********"
    }

    /** A secret reference could not be turned into a usable value. The message never contains a value. */
    public static final class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }

        public SecretException(String message, SecretSource.Failure cause) {
            super(message, cause);
        }

        /** Why a remote read failed; null for env: and file: (and placeholders, empty values). */
        public SecretSource.Reason reason() {
            return getCause() instanceof SecretSource.Failure f ? f.reason() : null;
        }
    }
}
