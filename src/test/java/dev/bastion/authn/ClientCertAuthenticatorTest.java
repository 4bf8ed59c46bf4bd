package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which URI SANs count as SPIFFE IDs: a dot segment must never let an ID pass as one below a prefix rule. */
class ClientCertAuthenticatorTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "spiffe://acme.test/billing, true",
            "spiffe://acme.test/jobs/nightly-1, true",
            "spiffe://acme.test, true",
            "spiffe://acme.test/jobs/../admin, false",
            "spiffe://acme.test/jobs/./x, false",
            "spiffe://acme.test/jobs/.., false",
            "spiffe://Acme.test/billing, false",
            "spiffe://acme.test/bill%20ing, false",
            "spiffe://acme.test/billing?x=1, false",
            "spiffe://user@acme.test/billing, false",
            "spiffe://acme.test:443/billing, false",
            "https://acme.test/billing, false"})
    void spiffeIds(String id, boolean wellFormed) {
        assertThat(ClientCertAuthenticator.wellFormedSpiffeId(id)).isEqualTo(wellFormed);
    }
}
