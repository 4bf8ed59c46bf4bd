package dev.bastion.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** What is kept under an idempotency key, and its text form in Redis. */
sealed interface Entry {
    ObjectMapper MAPPER = new ObjectMapper();

    /** The request that owns the key, identified by its fingerprint (a hash of method, path, query and body). */
    String fingerprint();

    /** A first request is on its way upstream; {@code token} tells its own claim apart from a later one. */
    record Pending(String token, String fingerprint) implements Entry {}

    /** The first request's response, replayed to repeats. */
    record Done(String fingerprint, int status, List<Map.Entry<String, String>> headers, byte[] body) implements Entry {}

    /** A {@link Done} sealed with its org's data key ({@link ResponseSealer}); only the fingerprint is readable. */
    record Sealed(String fingerprint, byte[] sealed) implements Entry {}

    /** The first response was larger than the route keeps: repeats cannot be answered from it. */
    record Unstored(String fingerprint) implements Entry {}

    default String encode() {
        return switch (this) {
            case Pending p -> "P|" + p.token() + "|" + p.fingerprint();
            case Unstored u -> "U|" + u.fingerprint();
            case Sealed x -> "S|" + x.fingerprint() + "|" + Base64.getEncoder().encodeToString(x.sealed());
            case Done d -> {
                ObjectNode o = MAPPER.createObjectNode().put("f", d.fingerprint()).put("s", d.status());
                ArrayNode h = o.putArray("h");
                for (Map.Entry<String, String> e : d.headers()) h.addArray().add(e.getKey()).add(e.getValue());
                o.put("b", Base64.getEncoder().encodeToString(d.body()));
                yield "D" + o;
            }
        };
    }

    static Entry decode(String s) {
        if (s.startsWith("P|")) {
            int bar = s.indexOf('|', 2);
            return new Pending(s.substring(2, bar), s.substring(bar + 1));
        }
        if (s.startsWith("U|")) return new Unstored(s.substring(2));
        if (s.startsWith("S|")) {
            int bar = s.indexOf('|', 2);
            return new Sealed(s.substring(2, bar), Base64.getDecoder().decode(s.substring(bar + 1)));
        }
        if (s.startsWith("D")) {
            try {
                JsonNode o = MAPPER.readTree(s.substring(1));
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                for (JsonNode h : o.path("h")) headers.add(Map.entry(h.get(0).asText(), h.get(1).asText()));
                return new Done(o.path("f").asText(), o.path("s").asInt(), headers, Base64.getDecoder().decode(o.path("b").asText()));
            } catch (IOException e) {
                throw new IllegalStateException("unreadable idempotency record", e);
            }
        }
        throw new IllegalStateException("unreadable idempotency record");
    }
}
