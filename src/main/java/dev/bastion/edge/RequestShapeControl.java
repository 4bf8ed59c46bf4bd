package dev.bastion.edge;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;

/**
 * What a route accepts before any body byte is read (E4): a declared length over the route's cap (413), a
 * body of a type the route does not declare (415), an {@code Expect} other than {@code 100-continue} (417).
 * A body sent without a length is held to the cap while it is read.
 */
public final class RequestShapeControl implements Control {
    private final long maxBodyBytes;
    private final List<String> contentTypes;
    private final Verdict.Deny tooLarge;
    private final Verdict.Deny wrongType;

    /** @param contentTypes accepted media types ({@code type/sub} or {@code type/*}); empty: any */
    public RequestShapeControl(long maxBodyBytes, List<String> contentTypes) {
        this.maxBodyBytes = maxBodyBytes;
        this.contentTypes = List.copyOf(contentTypes);
        this.tooLarge = new Verdict.Deny(413, "body_too_large", "The request body exceeds " + maxBodyBytes + " bytes.");
        this.wrongType = new Verdict.Deny(415, "content_type_unsupported", "This route accepts " + String.join(", ", contentTypes) + ".");
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "shape";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        String length = ex.headers().get("Content-Length");
        long declared = length == null ? -1 : FramingControl.contentLength(length);
        if (declared > maxBodyBytes) return tooLarge.future();
        boolean hasBody = declared > 0 || ex.headers().contains("Transfer-Encoding");
        if (hasBody && !contentTypes.isEmpty() && !accepted(ex.headers().get("Content-Type"))) return wrongType.future();
        String expect = ex.headers().get("Expect");
        if (expect != null && !"100-continue".equalsIgnoreCase(expect.trim())) {
            return new Verdict.Deny(417, "expectation_failed", "Only Expect: 100-continue is supported.").future();
        }
        return Verdict.ALLOWED;
    }

    private boolean accepted(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        for (String allowed : contentTypes) {
            if (allowed.equals(type)) return true;
            if (allowed.endsWith("/*") && type.startsWith(allowed.substring(0, allowed.length() - 1))) return true;
        }
        return false;
    }
}
