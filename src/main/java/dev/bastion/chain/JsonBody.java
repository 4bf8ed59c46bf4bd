package dev.bastion.chain;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A request body read as JSON once and shared by every control that looks into it (the budget, request
 * inspection, the guardrails): parsed on first use, changed in place by the controls that rewrite it
 * (redaction), and serialised once — by the forward step, and only if something changed.
 * Confined to the exchange's event loop.
 */
public final class JsonBody {
    // A key twice in one object is refused, not read as its last copy: a parser that keeps the first (or an
    // upstream's own checks) would act on another request than the one the controls inspected.
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** The 400 message for a body that repeats a key; the key itself is request content and is not named. */
    public static final String DUPLICATE_KEY = "The request body repeats a key within one JSON object; each key may appear once.";

    private final Buffer raw;
    private JsonNode tree;
    private boolean parsed;
    private boolean duplicateKey;
    private boolean changed;
    private List<Consumer<ObjectNode>> beforeSend;
    private String[] member; // a top-level member only the upstream sees: name, value, the name it replaces (or null)
    private Buffer serialized;

    JsonBody(Buffer raw) {
        this.raw = raw;
    }

    /** Whether this is the parse of exactly these bytes. */
    boolean of(Buffer bytes) {
        return raw == bytes || raw.equals(bytes);
    }

    /** The parsed body, or null when it is not JSON. Controls that edit it call {@link #changed()}. */
    public JsonNode tree() {
        if (!parsed) {
            parsed = true;
            try {
                tree = parse(raw);
            } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
                tree = null;
                duplicateKey = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            } catch (java.io.IOException e) { // JacksonException included: not JSON
                tree = null;
            }
        }
        return tree;
    }

    /** Whether the body is JSON but repeats a key in one object, so {@link #tree()} is null. */
    public boolean duplicateKey() {
        tree();
        return duplicateKey;
    }

    /** The 400 message for a body that is not one JSON object: {@link #DUPLICATE_KEY} when that is why. */
    public static String notAnObject(JsonBody body) {
        return body != null && body.duplicateKey() ? DUPLICATE_KEY : "The request body must be a JSON object.";
    }

    /** The exchange's body when it is one JSON object (the shared parse), else null: refuse it with {@link #notAnObject(Exchange)}. */
    public static ObjectNode objectOf(Exchange ex) {
        JsonNode tree = ex.json() == null ? null : ex.json().tree();
        return tree instanceof ObjectNode o ? o : null;
    }

    /** The 400 {@code invalid_llm_request} for a body that is not one JSON object, a repeated key named as the reason (never the key). */
    public static Verdict.Deny notAnObject(Exchange ex) {
        return new Verdict.Deny(400, "invalid_llm_request", notAnObject(ex.json()));
    }

    /** Parses the buffer's bytes where they are, without copying them out first when they are on the heap. */
    private static JsonNode parse(Buffer raw) throws java.io.IOException {
        if (raw instanceof io.vertx.core.internal.buffer.BufferInternal b && b.getByteBuf().hasArray()) {
            io.netty.buffer.ByteBuf buf = b.getByteBuf();
            return MAPPER.readTree(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        return MAPPER.readTree(raw.getBytes());
    }

    /** The tree was edited: the upstream gets it serialised. */
    public void changed() {
        changed = true;
        serialized = null;
    }

    /**
     * An edit only the upstream sees (e.g. asking the provider to report a stream's usage): applied when
     * the body is serialised for sending, so the controls after this one still read what the client sent.
     */
    public void beforeSend(Consumer<ObjectNode> edit) {
        if (beforeSend == null) beforeSend = new ArrayList<>(1);
        beforeSend.add(edit);
        changed();
    }

    /**
     * A top-level string member only the upstream sees, {@code name: value}, sent instead of the members {@code name} and
     * {@code replacing} (null: none) if the body has them. Unlike {@link #beforeSend}, it leaves the body unchanged
     * otherwise: when nothing else changes it, the member is spliced into the bytes received — in place of the one it
     * replaces, or first in the object — which are not serialised again. {@code name} and {@code value} are ASCII
     * without quotes or backslashes. One member per body.
     */
    public void sendMember(String name, String value, String replacing) {
        for (String s : new String[] {name, value}) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') throw new IllegalArgumentException("sendMember: not plain ASCII");
            }
        }
        if (member != null) throw new IllegalStateException("sendMember: one member per body");
        member = new String[] {name, value, replacing};
        serialized = null;
    }

    /** Whether the upstream gets something else than the bytes received. */
    public boolean isChanged() {
        return (changed || member != null) && tree() != null;
    }

    /** The body to send: the bytes received when nothing changed, else the tree serialised (once). */
    Buffer toSend() {
        if (!isChanged()) return raw;
        if (!changed && serialized == null) serialized = spliced();
        if (!changed && serialized != null) return serialized;
        if (serialized == null) {
            if (beforeSend != null && tree instanceof ObjectNode o) {
                for (Consumer<ObjectNode> edit : beforeSend) edit.accept(o);
                beforeSend = null;
            }
            if (member != null && tree instanceof ObjectNode o) {
                if (member[2] != null) o.remove(member[2]);
                o.put(member[0], member[1]);
            }
            try {
                serialized = Buffer.buffer(MAPPER.writeValueAsBytes(tree));
            } catch (JacksonException e) {
                throw new IllegalStateException("a parsed tree could not be written back", e); // not reachable for a tree Jackson read
            }
        }
        return serialized;
    }

    /**
     * The bytes received with the member spliced in: over the span of the member it replaces (key to value), or after the
     * object's '{' (only blanks or a BOM precede it). Null when the body holds both names (rare): then the tree is sent.
     */
    private Buffer spliced() {
        byte[] bytes = raw.getBytes();
        int[] span = null;
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            p.nextToken(); // START_OBJECT
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                String key = p.currentName();
                int keyStart = (int) p.currentTokenLocation().getByteOffset();
                p.nextToken();
                p.skipChildren();
                if (key.equals(member[0]) || key.equals(member[2])) {
                    if (span != null) return null;
                    p.finishToken();
                    span = new int[] {keyStart, (int) p.currentLocation().getByteOffset()};
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("bytes that parsed once did not parse again", e); // not reachable
        }
        String text = "\"" + member[0] + "\":\"" + member[1] + "\"";
        if (span == null) {
            int open = 0;
            while (bytes[open] != '{') open++;
            int next = open + 1;
            while (next < bytes.length && (bytes[next] == ' ' || bytes[next] == '\t' || bytes[next] == '\n' || bytes[next] == '\r')) next++;
            if (next >= bytes.length || bytes[next] != '}') text += ",";
            span = new int[] {open + 1, open + 1};
        }
        byte[] insert = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Buffer out = Buffer.buffer(bytes.length - (span[1] - span[0]) + insert.length);
        return out.appendBytes(bytes, 0, span[0]).appendBytes(insert).appendBytes(bytes, span[1], bytes.length - span[1]);
    }
}
