package dev.bastion.edge;

import io.vertx.core.MultiMap;

/**
 * Headers on every response, success or error (E2). They override whatever an upstream sent: an
 * upstream cannot weaken them.
 */
public final class SecurityHeaders {
    static final String HSTS = "max-age=31536000; includeSubDomains";

    private SecurityHeaders() {}

    public static void apply(MultiMap headers, boolean tls) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        // HSTS is only meaningful (and only honoured by browsers) over TLS.
        if (tls) headers.set("Strict-Transport-Security", HSTS);
        else headers.remove("Strict-Transport-Security");
    }
}
