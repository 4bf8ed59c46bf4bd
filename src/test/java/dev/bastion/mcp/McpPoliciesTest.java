package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import dev.bastion.config.RouteConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The route's policies as one: the first refusal decides, a policy that only hides an item refuses it too, and the defaults derive from refusal. */
class McpPoliciesTest {
    static final Identity CALLER = Identity.apiKey("key_1", "acme", Set.of("mcp.use"));
    static final McpItem TOOL = new McpItem(McpItem.Kind.TOOL, "s", "t", "s__t", null);

    @Test
    void theFirstRefusalDecidesAndAHidingPolicyRefusesTheCallToo() {
        McpPolicy hides = new McpPolicy() {
            @Override
            public boolean visible(Identity caller, McpItem item) {
                return false;
            }
        };
        McpPolicy refuses = new McpPolicy() {
            @Override
            public McpDecision.Refuse refusal(Identity caller, McpItem item) {
                return new McpDecision.Refuse(403, "first", "no");
            }
        };
        assertThat(McpPolicies.of(List.of(refuses, hides)).refusal(CALLER, TOOL).reason()).isEqualTo("first");
        assertThat(McpPolicies.of(List.of(McpPolicy.OPEN, hides)).refusal(CALLER, TOOL)).isEqualTo(McpDecision.HIDDEN);
        assertThat(McpPolicies.of(List.of(McpPolicy.OPEN, McpPolicy.OPEN)).refusal(CALLER, TOOL)).isNull();
        assertThat(refuses.visible(CALLER, TOOL)).as("visible is refusal's answer by default").isFalse();
        assertThat(refuses.decide(CALLER, TOOL, null).result()).isInstanceOf(McpDecision.Refuse.class);
    }

    @Test
    void anAccessRuleAnswersListsAndCallsAlikeAndNamesItsScopes() {
        McpAccessPolicy p = new McpAccessPolicy(new McpConfig.Access(McpConfig.Decision.DENY,
                List.of(new McpConfig.Rule("s__*", new RouteConfig.Require(List.of("mcp.s"), null, null, null), null)), null, null));
        Identity with = Identity.apiKey("key_2", "acme", Set.of("mcp.use", "mcp.s"));
        assertThat(p.visible(with, TOOL)).isTrue();
        assertThat(p.decide(with, TOOL, null).result()).isInstanceOf(McpDecision.Allow.class);
        assertThat(p.visible(CALLER, TOOL)).isFalse();
        assertThat(p.decide(CALLER, TOOL, null).result()).isInstanceOf(McpDecision.Refuse.class);
        assertThat(p.scopes(TOOL)).containsExactly("mcp.s");
        McpItem other = new McpItem(McpItem.Kind.TOOL, "x", "t", "x__t", null);
        assertThat(p.visible(with, other)).as("default deny").isFalse();
        assertThat(McpConfig.matches("a?c*", "abc.d")).isTrue();
        assertThat(McpConfig.matches("a.c", "abc")).as("a dot is a dot").isFalse();
    }
}
