package dev.bastion.guard;

import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.detect.markup.MarkdownCode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One streamed text of a model's answer (a choice's content, one tool call's arguments), released to the
 * client only once it is decided. The last {@code window} characters are held back, so an entity the
 * network split across chunks ({@code jo} + {@code hn@exam} + {@code ple.com}) is scanned whole before any
 * of it is sent; on top of that a word is never released half-written, an entity whose start is
 * recognised is held from that start however long it grows, a number still being written in groups (a
 * card, a phone number, an IBAN) is held until it ends, and a pseudonym placeholder is held until it is
 * complete so it can be put back. Released text is rescanned as context only.
 *
 * <p>Offsets are absolute positions in the whole streamed text (UTF-16 units); only the undecided part
 * and a little context stay in memory. Confined to one event loop.
 */
final class HeldText {
    /** Released characters kept and rescanned as context (an "order #" before a number still counts). */
    static final int CONTEXT = 64;
    /** A word longer than this is no longer held whole (a base64 blob must not hold the stream forever). */
    static final int MAX_WORD = 4096;
    /** After the first release, text goes out in steps of at least this many characters (one scan each). */
    static final int MIN_STEP = 16;
    /** The longest grouped number held whole: an IBAN in groups of four is at most 42 characters. */
    static final int MAX_FIGURE = 48;
    /** The longest placeholder: {@code [} + a 48-character type + {@code _} + digits + {@code ]}. */
    private static final int MAX_PLACEHOLDER = 60;

    private final Guard guard;
    private final Pseudonyms names;
    private final int window;
    private final AnswerRecord record;
    private final StringBuilder buf = new StringBuilder();
    private final MarkdownCode code = new MarkdownCode(); // the Markdown trimmed off so far: code blocks that began there
    private final TreeMap<Long, Rewrite> rewrites = new TreeMap<>();
    private long base;     // absolute offset of buf's first char
    private long released; // [0, released) is decided
    private long emitted;  // [0, emitted) was rendered for the client

    /** @param names this request's pseudonyms, put back into the answer; null or empty: none */
    HeldText(Guard guard, Pseudonyms names, int window, AnswerRecord record) {
        this.guard = guard;
        this.names = names == null || names.isEmpty() ? null : names;
        this.window = window;
        this.record = record;
    }

    private record Rewrite(long start, long end, String replacement) {}

    /** Appends the next piece; returns its absolute start offset. */
    long append(String text) {
        long at = end();
        buf.append(text);
        return at;
    }

    long end() {
        return base + buf.length();
    }

    long released() {
        return released;
    }

    /**
     * Decides as much of the held text as can be decided now — all of it when {@code last} — and releases
     * it. Returns the finding that asks to block the answer, or null.
     */
    Finding decide(boolean last) {
        long total = end();
        if (released == total) return null;
        long r = last ? total : Math.min(total - window, Math.min(wordStart(), figureStart()));
        if (names != null && !last) r = Math.min(r, openPlaceholder(r));
        // Scanning costs the held text and its context each time: after the first release, wait until a
        // step's worth can go out. Nothing undecided is sent meanwhile, so a finding is only seen later.
        if (!last && r - released < (released == 0 ? 1 : MIN_STEP)) return null;
        List<Guard.OutputFinding> found = guard.inspectAnswerText(buf.toString(), last, base == 0, code);
        // An entity that is still being written — it reaches past r, or to the end of what came so far — is held
        // from its start, however long it grows.
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Guard.OutputFinding f : found) {
                long s = base + f.finding().start(), e = base + f.finding().end();
                if (s >= released && s < r && (e > r || e == total && !last)) {
                    r = s;
                    moved = true;
                }
            }
        }
        // Never between the two halves of a surrogate pair: each half would go out in a different chunk.
        if (r < total && r > base && Character.isHighSurrogate(buf.charAt((int) (r - base - 1)))) r--;
        for (Guard.OutputFinding f : found) {
            long s = base + f.finding().start(), e = base + f.finding().end();
            if (e <= released || s >= Math.max(r, released)) continue; // decided before, or not yet
            boolean late = s < released; // began in text already sent: recognised only now
            if (late) r = Math.max(r, e);
            record.found(f.finding().type(), f.action(), late);
            if (f.action() == Action.BLOCK) return f.finding();
            if (f.action() == Action.REDACT) {
                long from = Math.max(s, released);
                rewrites.put(from, new Rewrite(from, e, "[" + f.finding().type() + "]"));
            }
        }
        if (r <= released) return null;
        if (names != null) restorePlaceholders(released, r);
        released = r;
        trim();
        return null;
    }

    /**
     * The text for the client in {@code [from, to)} of the original, both within what is released:
     * redactions in place, placeholders put back. A rewrite spanning several pieces goes out whole in the
     * piece where it starts; the others lose their part of it.
     */
    String render(long from, long to) {
        if (to > released || from < base) throw new IllegalStateException("render " + from + ".." + to + " outside " + base + ".." + released);
        StringBuilder out = null;
        long at = from;
        Map.Entry<Long, Rewrite> before = rewrites.lowerEntry(from);
        if (before != null && before.getValue().end() > from) at = Math.min(to, before.getValue().end());
        for (Rewrite rw : rewrites.subMap(from, true, to, false).values()) {
            if (out == null) out = new StringBuilder();
            out.append(buf, (int) (at - base), (int) (rw.start() - base)).append(rw.replacement());
            at = Math.min(to, rw.end());
        }
        emitted = Math.max(emitted, to);
        while (!rewrites.isEmpty() && rewrites.firstEntry().getValue().end() <= emitted) rewrites.pollFirstEntry();
        if (out == null && at == from) return buf.substring((int) (from - base), (int) (to - base));
        if (out == null) out = new StringBuilder();
        return out.append(buf, (int) (at - base), (int) (to - base)).toString();
    }

    /** Start of the trailing run of non-white-space (the word still being written), unless it is too long. */
    private long wordStart() {
        int i = buf.length();
        int stop = Math.max(0, i - MAX_WORD);
        while (i > stop && !Character.isWhitespace(buf.charAt(i - 1))) i--;
        return i == stop && stop > 0 ? end() : base + i;
    }

    /**
     * Start of a trailing run that could still grow into a number written in groups — a card, a phone
     * number, an IBAN, an SSN ({@code 4111 1111 }, {@code +1 (415) 555-}, {@code DE89 3704 }) — so such an
     * entity is held whole whatever the window. Only a run holding a digit counts, at most {@link #MAX_FIGURE}.
     */
    private long figureStart() {
        int i = buf.length();
        int stop = Math.max(0, i - MAX_FIGURE);
        boolean digit = false;
        while (i > stop) {
            char c = buf.charAt(i - 1);
            if (c >= '0' && c <= '9') digit = true;
            else if (!(c >= 'A' && c <= 'Z' || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/')) break;
            i--;
        }
        if (!digit) return end();
        while (i < buf.length() && buf.charAt(i) == ' ') i++;
        return base + i;
    }

    /** Where an unfinished {@code [TYPE_} placeholder begins before {@code r}, else {@code r}. */
    private long openPlaceholder(long r) {
        int to = (int) (r - base);
        for (int i = to - 1; i >= Math.max(0, to - MAX_PLACEHOLDER) && base + i >= released; i--) {
            char c = buf.charAt(i);
            if (c == '[') return base + i;
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) break;
        }
        return r;
    }

    private void restorePlaceholders(long from, long to) {
        for (int i = (int) (from - base), end = (int) (to - base); i < end; i++) {
            if (buf.charAt(i) != '[') continue;
            int close = buf.indexOf("]", i);
            if (close < 0 || close >= end || close - i > MAX_PLACEHOLDER) continue;
            String original = names.original(buf.substring(i, close + 1));
            long s = base + i, e = base + close + 1;
            if (original == null || overlapsRewrite(s, e)) continue;
            rewrites.put(s, new Rewrite(s, e, original));
            record.restored();
            i = close;
        }
    }

    private boolean overlapsRewrite(long s, long e) {
        Map.Entry<Long, Rewrite> below = rewrites.floorEntry(s);
        if (below != null && below.getValue().end() > s) return true;
        Long above = rewrites.ceilingKey(s);
        return above != null && above < e;
    }

    /** Drops what is rendered and beyond the context, starting the context at a word boundary. */
    private void trim() {
        long keep = Math.min(emitted, released - CONTEXT);
        if (keep <= base) return;
        int i = (int) (keep - base);
        int limit = (int) (Math.min(emitted, released) - base);
        int word = i;
        while (i < limit && !Character.isWhitespace(buf.charAt(i))) i++;
        // A word running through the released edge (a long blob): cut it anyway, or every scan would
        // cover all of it and a megabyte without spaces would cost quadratic time.
        if (i >= limit) i = word;
        code.skip(buf, 0, i);
        buf.delete(0, i);
        base += i;
    }
}
