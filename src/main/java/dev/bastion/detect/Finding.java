package dev.bastion.detect;

/**
 * A typed span a detector found in a text. Offsets are UTF-16 indexes into the scanned string (Java's
 * own); {@link Spans} converts them to code-point offsets for output that other languages read.
 *
 * @param type     the entity type, upper snake case: {@code EMAIL}, {@code CREDIT_CARD}, {@code AWS_ACCESS_KEY}, …
 * @param category what kind of entity it is
 * @param start    first char of the span (inclusive)
 * @param end      end of the span (exclusive)
 */
public record Finding(String type, Category category, int start, int end) {
    public Finding {
        if (start < 0 || end <= start) throw new IllegalArgumentException("empty or negative span " + start + ".." + end);
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(Finding o) {
        return start < o.end && o.start < end;
    }

    public enum Category {
        /** Personal data: who someone is or how to reach them. */
        PII,
        /** Credentials: keys, tokens, passwords, private keys. */
        SECRET,
        /** An operator's own entity (a regex from config). */
        CUSTOM,
        /** Markup in a model's answer that a renderer acts on: an image it fetches from another host. */
        MARKUP
    }
}
