package dev.bastion.budget;

import dev.bastion.config.BudgetsConfig.Period;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** Budget periods are calendar periods in UTC: a month budget resets at 00:00 UTC on the 1st. */
public final class Periods {
    private Periods() {}

    public static Instant start(Period p, Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        return switch (p) {
            case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES).toInstant();
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
            case DAY -> t.truncatedTo(ChronoUnit.DAYS).toInstant();
            case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
        };
    }

    public static Instant end(Period p, Instant start) {
        ZonedDateTime t = start.atZone(ZoneOffset.UTC);
        return switch (p) {
            case MINUTE -> t.plusMinutes(1).toInstant();
            case HOUR -> t.plusHours(1).toInstant();
            case DAY -> t.plusDays(1).toInstant();
            case MONTH -> t.plusMonths(1).toInstant();
        };
    }
}
