package dev.bastion.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token claims on an identity: bounded, strings only, and never printed with their values. */
class IdentityTest {
    @Test
    void bindableClaimsKeepStringsOnlyAndAreNeverPrintedWithTheirValues() {
        Map<String, Set<String>> claims = Identity.bindableClaims(Map.of(
                "workspaces", List.of("ws-1", 2, "ws-2"), "email", "ann@acme.example", "n", 7, "x".repeat(65), "too-long-name"));
        assertThat(claims).containsOnlyKeys("workspaces", "email");
        assertThat(claims.get("workspaces")).containsExactlyInAnyOrder("ws-1", "ws-2");
        Identity id = new Identity("sub", "acme", Set.of(), Set.of(), "jwt", null, "main", "usr_1", null, null, claims);
        assertThat(id.toString()).contains("email").contains("workspaces").doesNotContain("ann@acme.example").doesNotContain("ws-1");
    }

    @Test
    void theAudienceClaimsAreKeptHoweverManyClaimsATokenHas() {
        Map<String, Object> many = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) many.put("claim" + i, "v" + i);
        many.put("aud", List.of("https://mcp.example.test/mcp"));
        many.put("azp", "agent");
        Map<String, Set<String>> kept = Identity.bindableClaims(many);
        assertThat(kept).hasSize(32); // the bound holds
        assertThat(kept.get("aud")).containsExactly("https://mcp.example.test/mcp");
        assertThat(kept.get("azp")).containsExactly("agent");
    }
}
