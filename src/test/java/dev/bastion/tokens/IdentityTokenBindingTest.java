package dev.bastion.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.bastion.chain.Identity;
import dev.bastion.config.StoreConfig;
import dev.bastion.config.TokensConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTokenBindingTest {
    static final Identity ALICE = new Identity("alice", "acme", Set.of("invoke"), Set.of("writer"), "jwt", null, "main", "usr_alice", null, null);
    static final Identity BOB = new Identity("bob", "acme", Set.of("invoke"), Set.of("writer"), "jwt", null, "main", "usr_bob", null, null);

    static TokenIssuer issuer(Path dir, TokensConfig.IdentityBinding binding) throws Exception {
        Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("s.db"), null, null, 1), new SecretResolver(Map.of()));
        TokensConfig cfg = new TokensConfig(null, null, null, null, null, null, null, null, null, null, null, binding);
        SigningKeys keys = new SigningKeys(store, MasterKey.fromKeysetJson(MasterKey.generateKeysetJson()), cfg, Clock.systemUTC()).start();
        return new TokenIssuer(keys, cfg, Clock.systemUTC());
    }

    @Test
    void requestBindingSignsEachRequestWithItsId(@TempDir Path dir) throws Exception {
        TokenIssuer issuer = issuer(dir, TokensConfig.IdentityBinding.REQUEST);
        String a = issuer.identityToken(ALICE, "app", "req-1-aaaaaaaa");
        String b = issuer.identityToken(ALICE, "app", "req-2-bbbbbbbb");
        assertThat(a).isNotEqualTo(b);
        assertThat(SignedJWT.parse(a).getJWTClaimsSet().getStringClaim("request_id")).isEqualTo("req-1-aaaaaaaa");
    }

    @Test
    void callerBindingReusesOneTokenPerCallerAndUpstream(@TempDir Path dir) throws Exception {
        TokenIssuer issuer = issuer(dir, TokensConfig.IdentityBinding.CALLER);
        String a1 = issuer.identityToken(ALICE, "app", "req-1-aaaaaaaa");
        String a2 = issuer.identityToken(ALICE, "app", "req-2-bbbbbbbb");
        assertThat(a2).isEqualTo(a1);
        assertThat(SignedJWT.parse(a1).getJWTClaimsSet().getClaim("request_id")).isNull();
        assertThat(SignedJWT.parse(a1).getJWTClaimsSet().getJWTID()).isNotBlank();
        assertThat(issuer.identityToken(BOB, "app", "req-3-cccccccc")).as("another caller").isNotEqualTo(a1);
        assertThat(issuer.identityToken(ALICE, "billing", "req-4-dddddddd")).as("another upstream (aud)").isNotEqualTo(a1);
        Identity aliceAsAdmin = new Identity("alice", "acme", Set.of("invoke"), Set.of("admin"), "jwt", null, "main", "usr_alice", null, null);
        assertThat(issuer.identityToken(aliceAsAdmin, "app", "req-5-eeeeeeee")).as("other roles").isNotEqualTo(a1);
    }
}
