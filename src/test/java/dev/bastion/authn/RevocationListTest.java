package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Identity;
import dev.bastion.store.Revocation;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationListTest {
    static Identity user(String userId, String org, String jti) {
        return new Identity("sub", org, Set.of(), Set.of(), "jwt", null, "main", userId, null, jti);
    }

    static Revocation rev(Revocation.Kind kind, String subject, String org, Instant exp) {
        return new Revocation("r" + System.nanoTime(), kind, subject, org, Instant.now(), exp);
    }

    @Test
    void aTenantRevokesAUserInItsOwnOrgOnlyAndTheOperatorEverywhere() {
        RevocationList list = new RevocationList(Clock.systemUTC());
        list.apply(rev(Revocation.Kind.USER, "usr_1", "acme", null));
        assertThat(list.revokedReason(user("usr_1", "acme", null))).isEqualTo("user_revoked");
        assertThat(list.revokedReason(user("usr_1", "globex", null))).as("same person, other org").isNull();
        list.apply(rev(Revocation.Kind.USER, "usr_1", null, null));
        assertThat(list.revokedReason(user("usr_1", "globex", null))).isEqualTo("user_revoked");
    }

    @Test
    void everyKindIsCheckedAndExpiredTokenEntriesArePruned() {
        RevocationList list = new RevocationList(Clock.systemUTC());
        list.apply(rev(Revocation.Kind.TOKEN, "jti-old", null, Instant.now().minusSeconds(1)));
        list.apply(rev(Revocation.Kind.TOKEN, "jti-live", null, Instant.now().plusSeconds(60)));
        list.apply(rev(Revocation.Kind.ORG, "doomed", "doomed", null));
        list.apply(rev(Revocation.Kind.CLIENT, "cli_1", "acme", null));
        list.apply(rev(Revocation.Kind.KEY, "key_1", "acme", null));
        assertThat(list.revokedReason(user("usr_2", "acme", "jti-live"))).isEqualTo("token_revoked");
        assertThat(list.revokedReason(user("usr_2", "doomed", null))).isEqualTo("org_revoked");
        assertThat(list.revokedReason(new Identity("cli_1", "acme", Set.of(), Set.of(), "bastion_token", null, "bastion", null, "cli_1", "j"))).isEqualTo("client_revoked");
        assertThat(list.revokedReason(Identity.apiKey("key_1", "acme", Set.of()))).isEqualTo("api_key_revoked");
        assertThat(list.revokedReason(Identity.apiKey("key_2", "acme", Set.of()))).isNull();
        int before = list.size();
        list.pruneExpired();
        assertThat(list.size()).isEqualTo(before - 1);
    }
}
