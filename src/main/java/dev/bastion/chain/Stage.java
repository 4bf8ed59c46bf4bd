package dev.bastion.chain;

/**
 * The fixed order of the request chain. A route's controls run in this order whatever order the
 * config lists them in; assembly refuses a chain whose controls are out of order.
 *
 * <p>{@code EDGE} checks what arrived before anything is decoded or looked up (the client's address,
 * framing, the path, sizes and types); {@code INSPECT_BODY} parses the body, after authentication and the
 * limits, so that a caller who is not allowed in never makes Bastion read or parse one. Forwarding, the
 * response filters and the record step are the runner's phases after the chain, not stages of it.
 */
public enum Stage {
    EDGE, AUTHENTICATE, AUTHORIZE, LIMIT, INSPECT_BODY, GUARD_IN
}
