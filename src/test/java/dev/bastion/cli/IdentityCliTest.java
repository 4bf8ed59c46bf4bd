package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity CLI: clients, signing keys, revocation errors, users. */
class IdentityCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void clientsCreateListDisable(@TempDir Path dir) {
        String store = "sqlite:" + dir.resolve("s.db");
        Run created = run("clients", "create", "--store", store, "--org", "acme", "--scopes", "invoke,admin", "--name", "etl", "--ttl", "15m");
        assertThat(created.exit()).isZero();
        String id = created.out().lines().filter(l -> l.startsWith("client_id=")).findFirst().orElseThrow().substring("client_id=".length());
        String secret = created.out().lines().filter(l -> l.startsWith("client_secret=")).findFirst().orElseThrow().substring("client_secret=".length());
        assertThat(id).startsWith("cli_");
        assertThat(secret).startsWith("bcs_").hasSizeGreaterThan(40);
        assertThat(created.err()).contains("shown only this once").doesNotContain(secret);

        Run listed = run("clients", "list", "--store", store);
        assertThat(listed.out()).contains(id).contains("etl").contains("15m").contains("active").doesNotContain(secret);
        assertThat(run("clients", "disable", "--store", store, id).exit()).isZero();
        assertThat(run("clients", "list", "--store", store).out()).contains("disabled");
        assertThat(run("clients", "disable", "--store", store, "cli_nope").exit()).isEqualTo(1);
        assertThat(run("clients", "create", "--store", store, "--org", "acme", "--scopes", "invoke", "--ttl", "48h").err()).contains("ttl");
    }

    @Test
    void rotateKeyMakesANewKeyAndKeepsTheOldOnePublished(@TempDir Path dir) throws Exception {
        String store = "sqlite:" + dir.resolve("s.db");
        Run first = run("tokens", "rotate-key", "--store", store);
        Run second = run("tokens", "rotate-key", "--store", store);
        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("published now, signing from");
        String newer = second.out().replaceAll("(?s)New signing key (\\S+):.*", "$1").trim();
        try (Store s = Store.open(new StoreConfig(store, null, null, 1), new SecretResolver(Map.of()))) {
            var keys = s.signingKeys().published(java.time.Instant.now());
            assertThat(keys).hasSize(2);
            // Private keys are stored encrypted: nothing that looks like a JWK's private part is in the row.
            assertThat(keys).allSatisfy(k -> assertThat(k.privateJwkEncrypted()).doesNotContain("\"d\""));
            var signing = new dev.bastion.tokens.SigningKeys(s, MasterKey.fromKeysetJson(java.nio.file.Files.readString(dir.resolve("master-key.json"))),
                    new dev.bastion.config.TokensConfig(null, null, null, null, null, null, null, null, null, null, null, null), java.time.Clock.systemUTC());
            signing.refresh();
            String older = keys.stream().map(k -> k.kid()).filter(k -> !k.equals(newer)).findFirst().orElseThrow();
            assertThat(signing.current().kid()).as("the new key is not signing yet").isEqualTo(older);
        }
        Run listed = run("tokens", "list-keys", "--store", store);
        assertThat(listed.out()).contains(newer);
        String older = listed.out().lines().filter(l -> l.startsWith("bst-") && !l.startsWith(newer)).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(run("tokens", "withdraw-key", "--store", store, older).exit()).isZero();
        assertThat(run("tokens", "list-keys", "--store", store).out()).doesNotContain(older).contains(newer);
        assertThat(run("tokens", "withdraw-key", "--store", store, older).exit()).isEqualTo(1);
        assertThat(dir.resolve("master-key.json")).exists();
    }

    @Test
    void newMasterKeyPrintsAUsableKeyset() throws Exception {
        Run r = run("tokens", "new-master-key");
        assertThat(r.exit()).isZero();
        MasterKey key = MasterKey.fromKeysetJson(r.out().trim());
        byte[] sealed = key.encrypt("hello".getBytes(), "kid-1".getBytes());
        assertThat(new String(key.decrypt(sealed, "kid-1".getBytes()))).isEqualTo("hello");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> key.decrypt(sealed, "kid-2".getBytes()))
                .as("a ciphertext cannot be moved to another key id").isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void revokeNamesWhatItCannotFind(@TempDir Path dir) {
        String store = "sqlite:" + dir.resolve("s.db");
        Run r = run("revoke", "--store", store, "--user", "usr_nobody");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("No user usr_nobody");
        assertThat(run("revoke", "--store", store).exit()).as("one target is required").isEqualTo(2);
        assertThat(run("revoke", "--store", store, "--key", "a", "--org", "b").exit()).as("only one target").isEqualTo(2);
        assertThat(run("users", "list", "--store", store).out()).contains("ISSUER / SUBJECT");
    }
}
