package dev.bastion.mcp;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks the route's {@link McpPolicy} about each message after the transport step read it: every message needs the
 * route's scopes, and a call (a tool, a prompt, a resource read) also the scopes the policy names for its item — a
 * caller missing any gets one 403 {@code insufficient_scope} whose challenge names all of them. Then the policy decides
 * the call, and may hang an inspector on its results ({@link McpResultFilter}). A failed decision is a fault (503).
 */
public final class McpPolicyControl implements Control {
    static final String INSUFFICIENT_SCOPE = "insufficient_scope";

    private final McpPolicy policy;
    private final McpNames names;
    private final List<String> routeScopes;
    private final McpChallenge challenge;
    private final String onlyServer;

    /** @param routeScopes what every message on the route needs ({@code require.scopes_all}) */
    public McpPolicyControl(dev.bastion.config.McpConfig config, McpPolicy policy, List<String> routeScopes, McpChallenge challenge) {
        this.policy = policy;
        this.names = new McpNames(config);
        this.routeScopes = List.copyOf(routeScopes);
        this.challenge = challenge;
        this.onlyServer = config.servers().size() == 1 ? config.servers().getFirst().name() : null;
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "mcp_policy";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        McpMessage msg = ex.attribute(McpMessage.class);
        if (msg == null) return Future.failedFuture(new IllegalStateException("no MCP message: the transport step must come first"));
        McpItem item = item(msg);
        Set<String> needed = new LinkedHashSet<>(routeScopes);
        if (item != null) needed.addAll(policy.scopes(item));
        if (!ex.identity().scopes().containsAll(needed)) {
            return new Verdict.Deny(403, INSUFFICIENT_SCOPE, "This operation needs more scopes than the token has.",
                    Map.of("WWW-Authenticate", challenge.insufficientScope(needed))).future();
        }
        if (item == null) return Verdict.ALLOWED;
        McpCall call = new McpCall() {
            @Override
            public String requestId() {
                return ex.requestId();
            }

            @Override
            public void note(String field, Object value) {
                ex.logField(field, value);
            }

            @Override
            public void onEnd(Runnable then) {
                ex.onFinish(then);
            }
        };
        return policy.decide(ex.identity(), item, msg, call).map(decision -> switch (decision) {
            case McpDecision.Refuse r -> new Verdict.Deny(r.status(), r.reason(), r.message(), r.headers());
            case McpDecision.Allow a -> {
                McpPolicy.ResultInspector inspector = policy.results(ex.identity(), item, call);
                if (inspector != null) ex.addResponseFilter(new McpResultFilter(inspector, ex.requestId()));
                yield Verdict.ALLOW;
            }
        });
    }

    /** The item a call is about, or null for a message that calls nothing (lists, discovery, notifications). */
    private McpItem item(McpMessage msg) {
        if (msg.subject() == null) return null;
        McpItem.Kind kind = switch (msg.method()) {
            case "tools/call" -> McpItem.Kind.TOOL;
            case "prompts/get" -> McpItem.Kind.PROMPT;
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> McpItem.Kind.RESOURCE;
            default -> null;
        };
        if (kind == null) return null;
        if (kind == McpItem.Kind.RESOURCE) {
            // URIs are not renamed; with several servers the owner is found when the read is sent
            return new McpItem(kind, onlyServer, msg.subject(), msg.subject(), null);
        }
        McpNames.Target t = names.resolve(msg.subject());
        return new McpItem(kind, t == null ? null : t.server(), t == null ? msg.subject() : t.name(), msg.subject(), null);
    }
}
