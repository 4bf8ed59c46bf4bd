package dev.bastion.edge;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * Decodes the request path for routing, or refuses it (400 {@code path_invalid}) when its decoded form is
 * ambiguous ({@link PathNormalizer}): Bastion and the upstream must never disagree about which path was
 * authorised. Routes match the decoded path; the raw path is what is forwarded.
 */
public final class PathControl implements Control {
    private static final Verdict.Deny INVALID = new Verdict.Deny(400, "path_invalid",
            "The request path is malformed or ambiguous (dot segments, empty segments, encoded slashes or control characters).");

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "path";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        String decoded = PathNormalizer.decode(ex.rawPath());
        if (decoded == null) return INVALID.future();
        ex.path(decoded);
        return Verdict.ALLOWED;
    }
}
