package dev.bastion.tokens;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.secrets.SecretResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that encrypts what Bastion stores encrypted (D1) — today, its token-signing keys. A Tink AEAD
 * keyset (AES-256-GCM); ciphertexts are bound to their purpose with associated data (the key id), so a
 * ciphertext cannot be moved to another row. Rotating the master key is adding a key to the keyset:
 * Tink decrypts with any key in it and encrypts with the primary.
 */
public final class MasterKey {
    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Aead aead;
    private final KeysetHandle keyset;

    private MasterKey(KeysetHandle keyset) throws GeneralSecurityException {
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        this.keyset = keyset;
    }

    public static MasterKey fromKeysetJson(String json) throws GeneralSecurityException {
        return new MasterKey(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
    }

    /** {@link #derive(String, String, int)} from this key: the same bytes on every node that loads the same keyset. */
    public byte[] derive(String purpose, int length) throws GeneralSecurityException {
        return derive(keyset, purpose, length);
    }

    /** A new AES-256-GCM keyset, as Tink JSON. Keep it secret: it decrypts every signing key. */
    public static String generateKeysetJson() throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    }

    /**
     * {@code length} bytes for {@code purpose}, derived (HKDF-SHA256, {@code purpose} as the info) from the primary
     * key of the master keyset {@code keysetJson}: a secret every node of a deployment shares without another to
     * distribute, and that reveals nothing of the master key. Rotating the master key (a new primary) changes it.
     */
    public static byte[] derive(String keysetJson, String purpose, int length) throws GeneralSecurityException {
        return derive(TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get()), purpose, length);
    }

    private static byte[] derive(KeysetHandle all, String purpose, int length) throws GeneralSecurityException {
        KeysetHandle.Entry primary = all.getPrimary();
        // the primary alone, under its own id: what every node serialises alike, whatever older keys the keyset holds
        KeysetHandle only = KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(primary.getKey()).withFixedId(primary.getId()).makePrimary()).build();
        byte[] material = com.google.crypto.tink.TinkProtoKeysetFormat.serializeKeyset(only, InsecureSecretKeyAccess.get());
        return com.google.crypto.tink.subtle.Hkdf.computeHkdf("HMACSHA256", material, new byte[0], purpose.getBytes(StandardCharsets.UTF_8), length);
    }

    /**
     * The master key the config names. Without {@code tokens.master_key} a dev deployment on SQLite keeps
     * one next to the database file (created with owner-only permissions on first start); prod must name one.
     */
    public static MasterKey load(BastionConfig config, SecretResolver secrets) {
        try {
            if (config.tokens().masterKey() != null) {
                return fromKeysetJson(secrets.resolve(config.tokens().masterKey(), "tokens.master_key").reveal());
            }
            if (config.prod() || !config.store().isSqlite()) {
                throw new ConfigException("tokens.master_key: required (a secret reference to a Tink AEAD keyset; `bastion tokens new-master-key` makes one)");
            }
            Path db = Path.of(config.store().url().substring("sqlite:".length())).toAbsolutePath();
            Path file = db.resolveSibling("master-key.json");
            if (!Files.exists(file)) createDevelopmentKey(file);
            return fromKeysetJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("tokens.master_key: not a usable Tink AEAD keyset (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new ConfigException("tokens.master_key: cannot read or create the development key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Writes a new key where no process can read it half-written or with loose permissions: to an
     * owner-only temporary file, then linked into place — link fails if the file exists, so of several
     * nodes starting at once exactly one key wins and the others read it.
     */
    private static void createDevelopmentKey(Path file) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.getParent());
        Path tmp;
        try {
            tmp = Files.createTempFile(file.getParent(), ".master-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(file.getParent(), ".master-key", ".tmp");
        }
        try {
            Files.writeString(tmp, generateKeysetJson(), StandardCharsets.UTF_8);
            Files.createLink(file, tmp);
            log.warn("created a development master key at {}; set tokens.master_key in production", file);
        } catch (java.nio.file.FileAlreadyExistsException anotherNodeWon) {
            // another process created it first: use theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return aead.encrypt(plaintext, associatedData);
    }

    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, associatedData);
    }
}
