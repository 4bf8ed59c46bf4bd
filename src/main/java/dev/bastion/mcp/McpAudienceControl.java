package dev.bastion.mcp;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.McpConfig;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;

/**
 * Audience binding (RFC 8707) right after authentication: an identity provider's JWT must have been issued for this
 * route — its {@code aud} holds the route's resource URI, or, for identity providers without resource indicators, its
 * {@code aud} or {@code azp} is one of the route's {@code accept_audiences}. A token for another MCP route or another
 * resource is refused with 401 {@code invalid_token}, so a token one server was given cannot be replayed here.
 * Bastion's own tokens are bound by their authenticator (the route's resource is their audience); API keys carry no
 * audience and pass.
 */
public final class McpAudienceControl implements Control {
    static final String MISMATCH = "mcp_audience_mismatch";

    private final String resource;
    private final Set<String> fallback;
    private final Verdict.Deny refused;

    public McpAudienceControl(McpConfig config, McpChallenge challenge) {
        this.resource = config.resource().toString();
        this.fallback = Set.copyOf(config.acceptAudiences());
        this.refused = new Verdict.Deny(401, MISMATCH, "The token was not issued for this MCP endpoint.",
                Map.of("WWW-Authenticate", challenge.unauthorized("invalid_token")));
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATE;
    }

    @Override
    public String name() {
        return "mcp_audience";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        Identity id = ex.identity();
        if (id == null || !"jwt".equals(id.credentialType())) return Verdict.ALLOWED;
        Set<String> aud = id.claims().getOrDefault("aud", Set.of());
        if (aud.contains(resource)) return Verdict.ALLOWED;
        Set<String> azp = id.claims().getOrDefault("azp", Set.of());
        for (String a : fallback) {
            if (aud.contains(a) || azp.contains(a)) {
                ex.logField("mcp_audience", "fallback"); // visible in the access line: the resource indicator was not used
                return Verdict.ALLOWED;
            }
        }
        return refused.future();
    }
}
