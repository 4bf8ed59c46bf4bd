package dev.bastion.bots;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves: expiries and windows are tested by moving it, never by waiting. */
final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-07T01:00:00Z");

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
}
