package dev.bastion.failover;

import dev.bastion.config.FailoverConfig.On;
import dev.bastion.upstream.UpstreamResponse;
import dev.bastion.upstream.UpstreamResult;

/** How one attempt on one deployment ended, as far as failing over goes. */
public sealed interface Outcome {
    /** An answer for the client: a success whose first bytes arrived, or an error that trying elsewhere cannot fix. */
    record Answer(UpstreamResponse response) implements Outcome {}

    /**
     * A failure another attempt might fix.
     *
     * @param cause            its class, which the route's {@code retry_on} and {@code fallback_on} are matched against
     * @param retryAfterMillis what the provider asked to wait ({@code Retry-After}); 0 when it did not say
     * @param last             what the client gets if nothing else is tried: the provider's error (its body held) or
     *                         the transport failure
     */
    record Failed(On cause, long retryAfterMillis, UpstreamResult last) implements Outcome {}
}
