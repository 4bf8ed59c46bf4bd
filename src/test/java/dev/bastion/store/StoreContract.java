package dev.bastion.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.authn.ApiKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store behaviour every backend must have. Run against SQLite and PostgreSQL by the subclasses. */
abstract class StoreContract {
    protected abstract Store store();

    /** A second, independent connection pool on the same database: another process, as far as the store knows. */
    protected abstract Store secondStore();

    private ApiKeyService service() {
        return new ApiKeyService(store(), Clock.systemUTC());
    }

    @Test
    void createdKeyIsFoundByHashOnlyAndNeverStoredInPlaintext() {
        ApiKeyService.CreatedKey k = service().create("org-" + System.nanoTime(), Set.of("invoke", "admin"), "ci", Duration.ofDays(90));
        ApiKeyRecord found = store().apiKeys().findByHash(ApiKeys.hash(k.plaintext())).orElseThrow();
        assertThat(found.id()).isEqualTo(k.record().id());
        assertThat(found.scopes()).containsExactlyInAnyOrder("invoke", "admin");
        assertThat(found.expiresAt()).isCloseTo(Instant.now().plus(90, ChronoUnit.DAYS), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
        assertThat(found.keyHash()).isNotEqualTo(k.plaintext()).doesNotContain(k.plaintext().substring(4));
        assertThat(store().apiKeys().findByHash(ApiKeys.hash(ApiKeys.generate()))).isEmpty();
        assertThat(k.toString()).doesNotContain(k.plaintext());
    }

    @Test
    void listIsPerOrgAndRevokeIsFinal() {
        String org = "org-" + System.nanoTime();
        String other = "other-" + System.nanoTime();
        ApiKeyService.CreatedKey a = service().create(org, Set.of("invoke"), null, null);
        service().create(other, Set.of("invoke"), null, null);
        List<ApiKeyRecord> listed = service().list(org);
        assertThat(listed).extracting(ApiKeyRecord::id).containsExactly(a.record().id());
        assertThat(service().revoke(a.record().id())).isTrue();
        assertThat(service().revoke(a.record().id())).as("already revoked").isFalse();
        assertThat(service().revoke("key_doesnotexist")).isFalse();
        assertThat(store().apiKeys().findById(a.record().id()).orElseThrow().revoked()).isTrue();
    }

    @Test
    void orgsAreCreatedOnceAndKeysNeedAValidOrg() {
        String org = "org-" + System.nanoTime();
        assertThat(store().orgs().ensure(org)).isTrue();
        assertThat(store().orgs().ensure(org)).isFalse();
        assertThat(store().orgs().find(org)).isPresent();
        assertThatThrownBy(() -> service().create("Bad Org!", Set.of("invoke"), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> service().create(org, Set.of("INVOKE ALL"), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> service().create(org, Set.of(), null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyRowCannotPointAtAMissingOrg() {
        ApiKeyRecord orphan = new ApiKeyRecord(ApiKeys.newId(), "no-such-org", null, ApiKeys.hash(ApiKeys.generate()), Set.of("x"),
                Instant.now(), null, null);
        assertThatThrownBy(() -> store().apiKeys().insert(orphan)).isInstanceOf(StoreException.class);
    }

    @Test
    void aSecondProcessSeesWritesAndCanRevoke() {
        try (Store other = secondStore()) {
            ApiKeyService.CreatedKey k = new ApiKeyService(other, Clock.systemUTC()).create("org-" + System.nanoTime(), Set.of("invoke"), null, null);
            assertThat(store().apiKeys().findByHash(ApiKeys.hash(k.plaintext()))).isPresent();
            assertThat(service().revoke(k.record().id())).isTrue();
            assertThat(other.apiKeys().findById(k.record().id()).orElseThrow().revoked()).isTrue();
        }
    }

    @Test
    void pingAnswers() {
        assertThat(store().ping()).isTrue();
    }
}
