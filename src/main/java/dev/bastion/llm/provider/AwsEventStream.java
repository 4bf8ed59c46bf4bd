package dev.bastion.llm.provider;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * AWS's binary event-stream framing ({@code application/vnd.amazon.eventstream}), in which Bedrock's
 * ConverseStream answers. One message is
 * <pre>
 *   total length (4, big-endian, the whole message) | headers length (4) | prelude CRC32 (4, of the 8 bytes before)
 *   headers | payload | message CRC32 (4, of everything before it)
 * </pre>
 * and each header is: name length (1), name (UTF-8), value type (1), value — 0/1 true/false, 2 byte, 3 short,
 * 4 int, 5 long, 6 bytes and 7 string (2-byte length first), 8 timestamp (8, ms), 9 UUID (16).
 * Both CRCs are checked: a stream that fails one, or that ends inside a message, is malformed, never
 * read on as if it were whole.
 */
public final class AwsEventStream {
    /** AWS's limits: a message is at most 16 MiB, its headers at most 128 KiB. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final int MAX_HEADER_BYTES = 128 * 1024;
    /** Prelude (8) + its CRC (4) + the message CRC (4). */
    static final int OVERHEAD = 16;

    private AwsEventStream() {}

    /** One decoded message: its headers (strings as {@code String}, other types as their Java value) and payload. */
    public record Message(Map<String, Object> headers, byte[] payload) {
        /** A string header, or null when absent or not a string. */
        public String header(String name) {
            return headers.get(name) instanceof String s ? s : null;
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The stream broke the framing; the message says how, never what the payload held. */
    public static final class MalformedStream extends RuntimeException {
        MalformedStream(String message) {
            super(message, null, false, false);
        }
    }

    /** One message with string headers, as Bedrock sends them (for the stand-in and tests). */
    public static Buffer encode(Map<String, String> headers, byte[] payload) {
        Buffer h = Buffer.buffer();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            h.appendByte((byte) n.length).appendBytes(n).appendByte((byte) 7).appendShort((short) v.length).appendBytes(v);
        });
        int total = OVERHEAD + h.length() + payload.length;
        Buffer out = Buffer.buffer(total).appendInt(total).appendInt(h.length());
        out.appendInt((int) crc(out, 0, 8));
        out.appendBuffer(h).appendBytes(payload);
        return out.appendInt((int) crc(out, 0, out.length()));
    }

    private static long crc(Buffer b, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(b.getBytes(from, to));
        return crc.getValue();
    }

    /**
     * Reads messages from bytes split anywhere. After a {@link MalformedStream} it reads nothing more:
     * the framing is lost and whatever follows cannot be trusted.
     */
    public static final class Decoder {
        private Buffer pending = Buffer.buffer();
        private int at; // where the next message starts in pending
        private boolean broken;

        /** The whole messages these bytes completed, in order; throws {@link MalformedStream} on a bad frame. */
        public List<Message> feed(Buffer chunk) {
            if (broken) throw new MalformedStream("the stream was already malformed");
            pending.appendBuffer(chunk);
            List<Message> out = new ArrayList<>(2);
            try {
                while (pending.length() - at >= 12) {
                    long total = pending.getUnsignedInt(at);
                    long headers = pending.getUnsignedInt(at + 4);
                    if (crc(pending, at, at + 8) != pending.getUnsignedInt(at + 8)) throw new MalformedStream("prelude checksum mismatch");
                    if (total < OVERHEAD || total > MAX_MESSAGE_BYTES) throw new MalformedStream("message length " + total + " out of range");
                    if (headers > MAX_HEADER_BYTES || headers > total - OVERHEAD) throw new MalformedStream("headers length " + headers + " out of range");
                    if (pending.length() - at < total) break;
                    int end = at + (int) total;
                    if (crc(pending, at, end - 4) != pending.getUnsignedInt(end - 4)) throw new MalformedStream("message checksum mismatch");
                    int headersEnd = at + 12 + (int) headers;
                    out.add(new Message(headers(pending, at + 12, headersEnd), pending.getBytes(headersEnd, end - 4)));
                    at = end;
                }
            } catch (MalformedStream e) {
                broken = true;
                throw e;
            }
            // Keep only the unread rest, so a long stream is not held whole.
            if (at > 0 && at >= pending.length() / 2) {
                pending = pending.getBuffer(at, pending.length());
                at = 0;
            }
            return out;
        }

        /** Bytes of an incomplete message are held: the stream ended inside one if it ends now. */
        public boolean midMessage() {
            return pending.length() > at;
        }
    }

    private static Map<String, Object> headers(Buffer b, int from, int to) {
        Map<String, Object> out = new LinkedHashMap<>();
        int i = from;
        while (i < to) {
            int nameLength = b.getUnsignedByte(i++);
            need(i + nameLength + 1, to);
            String name = b.getString(i, i + nameLength, "UTF-8");
            i += nameLength;
            int type = b.getUnsignedByte(i++);
            Object value;
            switch (type) {
                case 0 -> value = Boolean.TRUE;
                case 1 -> value = Boolean.FALSE;
                case 2 -> {
                    need(i + 1, to);
                    value = b.getByte(i);
                    i += 1;
                }
                case 3 -> {
                    need(i + 2, to);
                    value = b.getShort(i);
                    i += 2;
                }
                case 4 -> {
                    need(i + 4, to);
                    value = b.getInt(i);
                    i += 4;
                }
                case 5, 8 -> {
                    need(i + 8, to);
                    value = b.getLong(i);
                    i += 8;
                }
                case 6, 7 -> {
                    need(i + 2, to);
                    int length = b.getUnsignedShort(i);
                    i += 2;
                    need(i + length, to);
                    value = type == 7 ? b.getString(i, i + length, "UTF-8") : b.getBytes(i, i + length);
                    i += length;
                }
                case 9 -> {
                    need(i + 16, to);
                    value = new UUID(b.getLong(i), b.getLong(i + 8));
                    i += 16;
                }
                default -> throw new MalformedStream("unknown header value type " + type);
            }
            out.put(name, value);
        }
        return Collections.unmodifiableMap(out);
    }

    private static void need(int upTo, int limit) {
        if (upTo > limit) throw new MalformedStream("a header runs past the headers");
    }
}
