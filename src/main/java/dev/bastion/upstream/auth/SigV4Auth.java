package dev.bastion.upstream.auth;

import dev.bastion.upstream.RequestAuth;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Signs each request with AWS SigV4 for one region and service, over the headers and body as sent —
 * the {@code Host} among them is the one actually dialled (the upstream's URL), so a signature is only ever
 * valid for the endpoint in config. The credentials are read per request, so rotated ones are used from the
 * next request on.
 */
public final class SigV4Auth implements RequestAuth {
    private final Supplier<SigV4.Credentials> credentials;
    private final String region;
    private final String service;
    private final Clock clock;

    public SigV4Auth(SigV4.Credentials credentials, String region, String service, Clock clock) {
        this(fixed(credentials), region, service, clock);
    }

    public SigV4Auth(Supplier<SigV4.Credentials> credentials, String region, String service, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<Void> apply(Outgoing r) {
        SigV4.sign(r.headers(), r.method(), r.target(), r.body() == null ? new byte[0] : r.body().getBytes(), credentials.get(), region, service, clock.instant());
        return Future.succeededFuture();
    }

    /** The deployments of an upstream with {@code aws_credentials}: each signed for its own region. */
    public static DeploymentAuth forUpstream(Supplier<SigV4.Credentials> credentials, String service) {
        return d -> new SigV4Auth(credentials, d.region(), service, Clock.systemUTC());
    }

    private static Supplier<SigV4.Credentials> fixed(SigV4.Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return () -> credentials;
    }
}
