package dev.bastion.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link SseSplitter} with arbitrary byte streams. Properties: however the stream is cut (whole, byte by
 * byte, at every single position, at input-chosen positions) the same events come out in the same order; the
 * events and the rest are the stream's bytes unchanged; every event ends with a blank line and holds no other.
 */
class SseSplitterFuzzTest {
    static final int MAX_PENDING = 1 << 20;

    @FuzzTest(maxDuration = "10s")
    void sameEventsWhateverTheCuts(byte[] stream) {
        Split whole = split(stream, new int[0]);
        assertThat(concat(whole)).as("no byte changed").isEqualTo(stream);
        for (byte[] e : whole.events) assertWholeEvent(e);
        // The rest is never a whole event — unless it ends with a \r, which waits for a \n that never came.
        if (whole.rest != null && whole.rest[whole.rest.length - 1] != '\r') assertThat(endsEvent(whole.rest, whole.rest.length)).isFalse();

        int[] everyByte = new int[Math.max(0, stream.length - 1)];
        for (int i = 0; i < everyByte.length; i++) everyByte[i] = i + 1;
        assertThat(split(stream, everyByte)).isEqualTo(whole);
        // Every single cut (bounded: the fuzzer's inputs are small, a long seed is sampled).
        int step = Math.max(1, stream.length / 512);
        for (int cut = 1; cut < stream.length; cut += step) assertThat(split(stream, new int[] {cut})).isEqualTo(whole);
        // Cuts the input chooses: each byte's value as a gap (a cut inside a \r\n is the interesting one).
        List<Integer> chosen = new ArrayList<>();
        for (int at = 0, i = 0; i < stream.length; i++) {
            at += (stream[i] & 0x0f) + 1;
            if (at >= stream.length) break;
            chosen.add(at);
        }
        assertThat(split(stream, chosen.stream().mapToInt(Integer::intValue).toArray())).isEqualTo(whole);
    }

    record Split(List<byte[]> events, byte[] rest) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Split s) || s.events.size() != events.size() || !Arrays.equals(s.rest, rest)) return false;
            for (int i = 0; i < events.size(); i++) if (!Arrays.equals(events.get(i), s.events.get(i))) return false;
            return true;
        }

        @Override
        public int hashCode() {
            return events.size();
        }

        @Override
        public String toString() {
            return events.stream().map(e -> new String(e, java.nio.charset.StandardCharsets.ISO_8859_1)).toList() + " rest "
                    + (rest == null ? null : new String(rest, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    static Split split(byte[] stream, int[] cuts) {
        SseSplitter s = new SseSplitter(MAX_PENDING);
        List<byte[]> events = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            s.feed(Buffer.buffer(Arrays.copyOfRange(stream, from, cut))).forEach(b -> events.add(b.getBytes()));
            from = cut;
        }
        s.feed(Buffer.buffer(Arrays.copyOfRange(stream, from, stream.length))).forEach(b -> events.add(b.getBytes()));
        Buffer rest = s.rest();
        return new Split(events, rest == null ? null : rest.getBytes());
    }

    static byte[] concat(Split s) {
        Buffer b = Buffer.buffer();
        s.events.forEach(b::appendBytes);
        if (s.rest != null) b.appendBytes(s.rest);
        return b.getBytes();
    }

    /** An event ends at its first blank line: a line terminator right after another (or at the start). */
    static void assertWholeEvent(byte[] e) {
        assertThat(e.length).isPositive();
        assertThat(endsEvent(e, e.length)).as("ends with a blank line").isTrue();
        for (int end = 1; end < e.length; end++) {
            // A \r whose \n follows is one terminator, so the event cannot end between them.
            if (e[end - 1] == '\r' && e[end] == '\n') continue;
            assertThat(endsEvent(e, end)).as("no blank line before the end (at %d)", end).isFalse();
        }
    }

    /** Whether e[0..end) ends with a blank line. */
    static boolean endsEvent(byte[] e, int end) {
        int i = end;
        if (i == 0) return false;
        int term = e[i - 1] == '\n' && i >= 2 && e[i - 2] == '\r' ? 2 : (e[i - 1] == '\n' || e[i - 1] == '\r') ? 1 : 0;
        if (term == 0) return false;
        i -= term;
        if (i == 0) return true;
        return e[i - 1] == '\n' || e[i - 1] == '\r';
    }
}
