package dev.bastion.chain;

/**
 * The fixed order of the request chain. A route's controls run in this order whatever order the
 * config lists them in; assembly refuses a chain whose controls are out of order.
 */
public enum Stage {
    EDGE, INSPECT, AUTHENTICATE, AUTHORIZE, LIMIT, GUARD_IN, FORWARD, GUARD_OUT, RECORD
}
