package dev.bastion.chain;

/**
 * The fixed order of the request chain. A route's controls run in this order whatever order the
 * config lists them in; assembly refuses a chain whose controls are out of order.
 *
 * <p>{@code INSPECT} looks at what arrives without a body (path, query, headers); {@code INSPECT_BODY}
 * parses the body, after authentication and the limits, so that a caller who is not allowed in never
 * makes Bastion read or parse one.
 */
public enum Stage {
    EDGE, INSPECT, AUTHENTICATE, AUTHORIZE, LIMIT, INSPECT_BODY, GUARD_IN, FORWARD, GUARD_OUT, RECORD
}
