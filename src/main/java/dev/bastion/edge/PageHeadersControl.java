package dev.bastion.edge;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * The headers of every answer on a browser-facing route of Bastion's own — the console's pages, scripts and JSON, its
 * refusals included: a strict Content-Security-Policy (scripts and styles from this origin only, no inline script, no
 * framing, no form posting elsewhere, no {@code <base>}), {@code Cross-Origin-Opener-Policy: same-origin} and
 * {@code Cross-Origin-Resource-Policy: same-origin}. Set first, so a refusal further on carries them too. Never refuses.
 * ({@link SecurityHeaders} adds nosniff, no-referrer and frame denial to every answer anyway.)
 */
public final class PageHeadersControl implements Control {
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "page_headers";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        ex.responseHeaders().set("Content-Security-Policy", CSP);
        ex.responseHeaders().set("Cross-Origin-Opener-Policy", "same-origin");
        ex.responseHeaders().set("Cross-Origin-Resource-Policy", "same-origin");
        return Verdict.ALLOWED;
    }
}
