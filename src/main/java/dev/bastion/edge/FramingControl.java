package dev.bastion.edge;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Refuses framing two HTTP parsers could read differently (RFC 9112 §3.2, §6.1, §6.3) — how requests are
 * smuggled past one parser to another: an HTTP/1.1 request must carry exactly one Host; a
 * Transfer-Encoding must be exactly {@code chunked}, once; a Content-Length must be one run of digits,
 * once, and never beside a Transfer-Encoding; no header may come under two spellings a CGI-style server
 * reads as one ({@code X-Api-Key} and {@code X_Api_Key}, {@link HeaderSpellings}). Refused with 400 and the
 * connection closed, so nothing the client sent after this is read as another request.
 */
public final class FramingControl implements Control {
    private static final Verdict.Deny HOST = deny("host_invalid", "Host: an HTTP/1.1 request must carry exactly one Host header.");
    private static final Verdict.Deny CODING = deny("framing_invalid", "The request's Transfer-Encoding is not exactly 'chunked'.");
    private static final Verdict.Deny CONFLICT = deny("framing_invalid", "The request has conflicting or duplicate length headers.");
    private static final Verdict.Deny LENGTH = deny("framing_invalid", "The Content-Length header is not a valid length.");
    // The name is the client's text: never echoed.
    private static final Verdict.Deny SPELLINGS = deny("header_ambiguous",
            "The request carries a header under two spellings (such as X-Api-Key and X_Api_Key).");

    private static Verdict.Deny deny(String code, String message) {
        return new Verdict.Deny(400, code, message).closing();
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "framing";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        MultiMap h = ex.headers();
        if ("HTTP/1.1".equals(ex.protocol()) && h.getAll("Host").size() != 1) return HOST.future();
        List<String> codings = h.getAll("Transfer-Encoding");
        if (codings.size() > 1 || (codings.size() == 1 && !"chunked".equalsIgnoreCase(codings.getFirst().trim()))) return CODING.future();
        List<String> lengths = h.getAll("Content-Length");
        if (lengths.size() > 1 || (lengths.size() == 1 && !codings.isEmpty())) return CONFLICT.future();
        if (lengths.size() == 1 && contentLength(lengths.getFirst()) < 0) return LENGTH.future();
        if (HeaderSpellings.ambiguous(h) != null) return SPELLINGS.future();
        return Verdict.ALLOWED;
    }

    /** A Content-Length value: digits only, at most 18 of them; -1 when invalid. */
    public static long contentLength(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18) return -1;
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return -1;
        return Long.parseLong(v);
    }
}
