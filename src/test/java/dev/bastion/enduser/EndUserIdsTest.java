package dev.bastion.enduser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.tokens.MasterKey;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndUserIdsTest {
    static EndUserIds ids(String keyset) throws Exception {
        return new EndUserIds(MasterKey.fromKeysetJson(keyset).derive(EndUserIds.PURPOSE, 32));
    }

    @Test
    void theSameUserOfTheSameOrgGetsTheSameIdOnEveryNodeAndNothingElseDoes() throws Exception {
        String keyset = MasterKey.generateKeysetJson();
        EndUserIds a = ids(keyset), b = ids(keyset); // two nodes sharing the master key
        assertThat(a.of("acme", "client:alice")).isEqualTo(b.of("acme", "client:alice")).startsWith(EndUserIds.PREFIX).hasSize(3 + 22);
        assertThat(a.of("acme", "client:alice")).isNotEqualTo(a.of("globex", "client:alice")).isNotEqualTo(a.of("acme", "client:bob"));
        assertThat(ids(MasterKey.generateKeysetJson()).of("acme", "client:alice")).as("another deployment").isNotEqualTo(a.of("acme", "client:alice"));
        // the parts are length-prefixed: moving a separator between org and user is another input
        assertThat(a.of("ac", "me:x")).isNotEqualTo(a.of("acme:", "x")).isNotEqualTo(a.of("acme", ":x"));
        assertThat(a.cacheKey("acme", "k")).startsWith("bc_").isNotEqualTo(a.cacheKey("globex", "k"));
        assertThat(a.cacheKey("acme", "client:alice").substring(3)).isNotEqualTo(a.of("acme", "client:alice").substring(3));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) seen.add(a.of("org" + (i % 7), "client:user" + i));
        assertThat(seen).hasSize(10_000);
    }
}
