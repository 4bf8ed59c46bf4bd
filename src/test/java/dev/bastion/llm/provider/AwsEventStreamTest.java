package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.llm.provider.AwsEventStream.Decoder;
import dev.bastion.llm.provider.AwsEventStream.MalformedStream;
import dev.bastion.llm.provider.AwsEventStream.Message;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event-stream framing against the two messages of AWS's own event-stream library tests
 * (aws-c-event-stream: "no headers" and "one header", payload {@code {'foo':'bar'}}), then what a reader must
 * refuse: a bad checksum in the prelude or the message, lengths out of range, a header running past the
 * headers, an end inside a message — and bytes split anywhere reading the same.
 */
class AwsEventStreamTest {
    static final byte[] NO_HEADERS = bytes(0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66, 0x6f, 0x6f,
            0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36);
    static final byte[] ONE_HEADER;

    static {
        Buffer b = Buffer.buffer().appendBytes(bytes(0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C))
                .appendString("content-type").appendBytes(bytes(0x07, 0x00, 0x10)).appendString("application/json")
                .appendString("{'foo':'bar'}").appendBytes(bytes(0x8D, 0x9C, 0x08, 0xB1));
        ONE_HEADER = b.getBytes();
    }

    static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    @Test
    void theLibrarysVectorsEncodeAndDecodeByteForByte() {
        assertThat(AwsEventStream.encode(Map.of(), "{'foo':'bar'}".getBytes(StandardCharsets.UTF_8)).getBytes()).isEqualTo(NO_HEADERS);
        assertThat(AwsEventStream.encode(Map.of("content-type", "application/json"), "{'foo':'bar'}".getBytes(StandardCharsets.UTF_8)).getBytes())
                .isEqualTo(ONE_HEADER);
        List<Message> read = new Decoder().feed(Buffer.buffer(NO_HEADERS).appendBytes(ONE_HEADER));
        assertThat(read).hasSize(2);
        assertThat(read.get(0).headers()).isEmpty();
        assertThat(read.get(0).payloadText()).isEqualTo("{'foo':'bar'}");
        assertThat(read.get(1).header("content-type")).isEqualTo("application/json");
        assertThat(read.get(1).payloadText()).isEqualTo("{'foo':'bar'}");
    }

    static Buffer bedrockLike() {
        Buffer all = Buffer.buffer();
        for (int i = 0; i < 20; i++) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put(":event-type", "contentBlockDelta");
            h.put(":content-type", "application/json");
            h.put(":message-type", "event");
            all.appendBuffer(AwsEventStream.encode(h, ("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"wörd " + i + "\"},\"p\":\"abcdefgh\"}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return all;
    }

    static List<String> read(byte[] in, Random random, int maxPiece) {
        Decoder d = new Decoder();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.length; ) {
            int n = Math.min(in.length - i, 1 + random.nextInt(maxPiece));
            for (Message m : d.feed(Buffer.buffer(Arrays.copyOfRange(in, i, i + n)))) out.add(m.header(":event-type") + " " + m.payloadText());
            i += n;
        }
        assertThat(d.midMessage()).isFalse();
        return out;
    }

    @Test
    void bytesSplitAnywhereReadTheSame() {
        byte[] in = bedrockLike().getBytes();
        List<String> whole = read(in, new Random(0), in.length);
        assertThat(whole).hasSize(20).first().asString().startsWith("contentBlockDelta {").contains("wörd 0");
        for (int seed = 1; seed <= 200; seed++) {
            Random r = new Random(seed);
            assertThat(read(in, r, 1 + r.nextInt(64))).as("seed %d", seed).isEqualTo(whole);
        }
        assertThat(read(in, new Random(0), 1)).as("byte by byte").isEqualTo(whole);
    }

    @Test
    void aFlippedPayloadByteFailsTheMessageChecksum() {
        byte[] in = ONE_HEADER.clone();
        in[50] ^= 0x01;
        assertThatThrownBy(() -> new Decoder().feed(Buffer.buffer(in))).isInstanceOf(MalformedStream.class).hasMessageContaining("message checksum");
    }

    @Test
    void aFlippedLengthFailsThePreludeChecksumBeforeAnythingIsWaitedFor() {
        byte[] in = ONE_HEADER.clone();
        in[2] = 0x7f; // claims ~8 MB: caught at once, not waited for
        assertThatThrownBy(() -> new Decoder().feed(Buffer.buffer(Arrays.copyOf(in, 12)))).isInstanceOf(MalformedStream.class)
                .hasMessageContaining("prelude checksum");
    }

    @Test
    void lengthsOutOfRangeAreMalformedEvenWithAValidPreludeChecksum() {
        assertThatThrownBy(() -> new Decoder().feed(prelude(8, 0))).isInstanceOf(MalformedStream.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new Decoder().feed(prelude(AwsEventStream.MAX_MESSAGE_BYTES + 1, 0))).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new Decoder().feed(prelude(32, 17))).hasMessageContaining("headers length");
    }

    static Buffer prelude(long total, long headers) {
        Buffer b = Buffer.buffer().appendUnsignedInt(total).appendUnsignedInt(headers);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.getBytes());
        return b.appendUnsignedInt(crc.getValue());
    }

    @Test
    void aHeaderRunningPastTheHeadersIsMalformed() {
        // One string header whose declared value length (0xFF) runs past the 20 header bytes.
        Buffer headers = Buffer.buffer().appendByte((byte) 4).appendString("name").appendByte((byte) 7).appendShort((short) 0xFF).appendString("value-value");
        Buffer msg = prelude(16 + headers.length(), headers.length()).appendBuffer(headers);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(msg.getBytes());
        msg.appendUnsignedInt(crc.getValue());
        assertThatThrownBy(() -> new Decoder().feed(msg)).isInstanceOf(MalformedStream.class).hasMessageContaining("runs past");
    }

    @Test
    void aStreamEndingInsideAMessageIsSeenAsSuch() {
        Decoder d = new Decoder();
        assertThat(d.feed(Buffer.buffer(Arrays.copyOf(NO_HEADERS, NO_HEADERS.length - 1)))).isEmpty();
        assertThat(d.midMessage()).isTrue();
        assertThat(d.feed(Buffer.buffer(new byte[] {NO_HEADERS[NO_HEADERS.length - 1]}))).hasSize(1);
        assertThat(d.midMessage()).isFalse();
    }

    @Test
    void afterAMalformedMessageNothingMoreIsRead() {
        Decoder d = new Decoder();
        byte[] bad = NO_HEADERS.clone();
        bad[bad.length - 1] ^= 1;
        assertThatThrownBy(() -> d.feed(Buffer.buffer(bad))).isInstanceOf(MalformedStream.class);
        assertThatThrownBy(() -> d.feed(Buffer.buffer(NO_HEADERS))).isInstanceOf(MalformedStream.class);
    }

    @Test
    void everyHeaderTypeIsRead() {
        Buffer h = Buffer.buffer();
        h.appendByte((byte) 1).appendString("t").appendByte((byte) 0);
        h.appendByte((byte) 1).appendString("f").appendByte((byte) 1);
        h.appendByte((byte) 1).appendString("b").appendByte((byte) 2).appendByte((byte) 50);
        h.appendByte((byte) 1).appendString("s").appendByte((byte) 3).appendShort((short) 20000);
        h.appendByte((byte) 1).appendString("i").appendByte((byte) 4).appendInt(500000);
        h.appendByte((byte) 1).appendString("l").appendByte((byte) 5).appendLong(50_000_000_000L);
        h.appendByte((byte) 1).appendString("y").appendByte((byte) 6).appendShort((short) 2).appendBytes(bytes(1, 2));
        h.appendByte((byte) 1).appendString("m").appendByte((byte) 8).appendLong(5_000_000_000L);
        h.appendByte((byte) 1).appendString("u").appendByte((byte) 9).appendLong(0xb79bc914de214e13L).appendLong(0xb8b2bc47e85b7f0bL);
        Buffer msg = prelude(16 + h.length(), h.length()).appendBuffer(h);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(msg.getBytes());
        msg.appendUnsignedInt(crc.getValue());
        Map<String, Object> got = new Decoder().feed(msg).getFirst().headers();
        assertThat(got).containsEntry("t", true).containsEntry("f", false).containsEntry("b", (byte) 50).containsEntry("s", (short) 20000)
                .containsEntry("i", 500000).containsEntry("l", 50_000_000_000L).containsEntry("m", 5_000_000_000L)
                .containsEntry("u", java.util.UUID.fromString("b79bc914-de21-4e13-b8b2-bc47e85b7f0b"));
        assertThat((byte[]) got.get("y")).containsExactly(1, 2);
    }
}
