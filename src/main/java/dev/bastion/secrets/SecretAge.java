package dev.bastion.secrets;

import dev.bastion.config.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * How old a secret is and when it is due for rotation. A {@code file:} reference's age is its file's
 * modification time (through symlinks: a Kubernetes rotation writes a new file); an {@code env:}
 * reference's age cannot be known from the process (the variable has no date), so it is never overdue.
 *
 * @param changedAt when the value last changed; null when unknown
 * @param maxAge    the age after which it is due
 */
public record SecretAge(Instant changedAt, Duration maxAge) {
    public static SecretAge of(SecretRef ref, Duration maxAge) {
        if (ref.kind() != SecretRef.Kind.FILE) return new SecretAge(null, maxAge);
        try {
            return new SecretAge(Files.getLastModifiedTime(Path.of(ref.target())).toInstant(), maxAge);
        } catch (IOException | RuntimeException e) {
            return new SecretAge(null, maxAge);
        }
    }

    public boolean known() {
        return changedAt != null;
    }

    /** When rotation is due; null when the age is unknown. */
    public Instant dueAt() {
        return changedAt == null ? null : changedAt.plus(maxAge);
    }

    public Duration age(Instant now) {
        return changedAt == null ? null : Duration.between(changedAt, now);
    }

    public boolean overdue(Instant now) {
        return changedAt != null && now.isAfter(dueAt());
    }
}
