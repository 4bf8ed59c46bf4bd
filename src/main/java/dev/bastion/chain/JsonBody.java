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
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Buffer raw;
    private JsonNode tree;
    private boolean parsed;
    private boolean changed;
    private List<Consumer<ObjectNode>> beforeSend;
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
            } catch (java.io.IOException e) { // JacksonException included: not JSON
                tree = null;
            }
        }
        return tree;
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

    /** Whether the upstream gets something else than the bytes received. */
    public boolean isChanged() {
        return changed && tree() != null;
    }

    /** The body to send: the bytes received when nothing changed, else the tree serialised (once). */
    Buffer toSend() {
        if (!isChanged()) return raw;
        if (serialized == null) {
            if (beforeSend != null && tree instanceof ObjectNode o) {
                for (Consumer<ObjectNode> edit : beforeSend) edit.accept(o);
                beforeSend = null;
            }
            try {
                serialized = Buffer.buffer(MAPPER.writeValueAsBytes(tree));
            } catch (JacksonException e) {
                throw new IllegalStateException("a parsed tree could not be written back", e); // not reachable for a tree Jackson read
            }
        }
        return serialized;
    }
}
