package dev.bastion.authn;

import dev.bastion.chain.Exchange;
import io.vertx.core.Future;

/** Recognises one kind of credential and verifies it. */
public interface Authenticator {
    /** Credential kind, as written in {@code auth.methods}. */
    String kind();

    Future<AuthResult> authenticate(Exchange exchange);
}
