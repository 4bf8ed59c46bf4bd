package dev.bastion.secrets;

import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * K3 on the way back: an upstream error that repeats the credential Bastion sent — "Incorrect API key provided:
 * sk-…", a proxy's debug header — would hand the caller Bastion's provider key. Every upstream answer passes
 * this filter first: its headers, and the body of an answer that is not a success, have every secret value this
 * process resolved ({@link LogRedactor}'s set: provider keys, per-org keys, tokens from a secret store) replaced
 * with {@code [REDACTED]}. Success bodies pass untouched and unread (a model's answer is the guardrails' to
 * judge); an error body is held, at most {@value #MAX_HELD} bytes, so a value split across network writes is
 * still found; a gzip or deflate error body is decompressed to be read and sent decompressed. An error body in an
 * encoding Bastion cannot read is withheld (502), not passed unread.
 */
public final class EchoedSecrets implements ResponseFilter {
    /** Error bodies are small; past this the rest is scrubbed a write at a time (a value split there could pass). */
    static final int MAX_HELD = 1 << 20;
    private static final Verdict.Deny UNREADABLE = new Verdict.Deny(502, "upstream_error",
            "The upstream answered with an error Bastion could not read; it was withheld.");

    private final LogRedactor redactor;
    private boolean error;
    private String encoding;
    private Buffer held;
    private boolean overflowed;
    private Verdict.Deny refusal;

    public EchoedSecrets(LogRedactor redactor) {
        this.redactor = redactor;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        List<String> changed = null;
        for (Map.Entry<String, String> h : headers) {
            if (redactor.redact(h.getValue()) != h.getValue()) { // the same instance when it held no secret
                if (changed == null) changed = new ArrayList<>(1);
                if (!changed.contains(h.getKey())) changed.add(h.getKey());
            }
        }
        if (changed != null) {
            for (String name : changed) { // every value of the header kept, in order, each scrubbed
                List<String> values = new ArrayList<>(headers.getAll(name));
                headers.remove(name);
                for (String v : values) headers.add(name, redactor.redact(v));
            }
        }
        error = status >= 300 && status != 304;
        if (!error) return;
        headers.remove("Content-Length"); // a redaction changes the length
        String e = headers.get("Content-Encoding");
        encoding = e == null || e.isBlank() || e.equalsIgnoreCase("identity") ? null : e.trim().toLowerCase(java.util.Locale.ROOT);
        if (encoding != null) headers.remove("Content-Encoding"); // sent decoded, or withheld
        held = Buffer.buffer();
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        if (!error || refusal != null) return error ? Buffer.buffer() : chunk;
        if (overflowed) return scrub(chunk);
        held.appendBuffer(chunk);
        if (held.length() <= MAX_HELD) return Buffer.buffer();
        if (encoding != null) { // too large to decode here: withheld, and nothing more is kept
            refusal = UNREADABLE;
            held = null;
            return Buffer.buffer();
        }
        overflowed = true;
        Buffer out = scrub(held);
        held = null;
        return out;
    }

    @Override
    public Buffer onEnd() {
        if (!error || overflowed || refusal != null) return null;
        Buffer body = held;
        held = null;
        if (encoding != null) {
            body = decode(body, encoding);
            if (body == null) {
                refusal = UNREADABLE;
                return null;
            }
        }
        return scrub(body);
    }

    @Override
    public Verdict.Deny refusal() {
        return refusal;
    }

    /** Headers always, bodies only of errors: the upstream's compression of a success is kept. */
    @Override
    public boolean readsBody() {
        return false;
    }

    /** Bytes as Latin-1 characters, one per byte, so a body that is not UTF-8 comes back byte for byte. */
    private Buffer scrub(Buffer body) {
        String text = body.toString(StandardCharsets.ISO_8859_1);
        String scrubbed = redactor.redact(text);
        return scrubbed == text ? body : Buffer.buffer(scrubbed.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** gzip or deflate, at most {@value #MAX_HELD} bytes decoded; null when it is another encoding or not valid. */
    private static Buffer decode(Buffer body, String encoding) {
        try (InputStream in = switch (encoding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(new java.io.ByteArrayInputStream(body.getBytes()));
            case "deflate" -> new InflaterInputStream(new java.io.ByteArrayInputStream(body.getBytes()));
            default -> null;
        }) {
            if (in == null) return null;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > MAX_HELD) return null;
            }
            return Buffer.buffer(out.toByteArray());
        } catch (IOException e) {
            return null;
        }
    }
}
