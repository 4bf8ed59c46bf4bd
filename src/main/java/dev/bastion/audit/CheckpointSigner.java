package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's checkpoint key (Ed25519, the JDK's) and the checkpoints it signs. The private half is stored
 * encrypted by the {@link MasterKey} with the key id as associated data, as Bastion's token-signing keys are;
 * the public half is stored beside it and copied into every witnessed checkpoint. Blocking: the writer's thread.
 */
public final class CheckpointSigner {
    private final String kid;
    private final String publicKey;
    private final PrivateKey privateKey;

    private CheckpointSigner(String kid, String publicKey, PrivateKey privateKey) {
        this.kid = kid;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** The node's newest key from the store, or a new one stored now. */
    public static CheckpointSigner load(Store store, MasterKey master, String node, long now) {
        try {
            AuditRepository.Key newest = null;
            for (AuditRepository.Key k : store.audit().keys()) if (k.node().equals(node)) newest = k;
            if (newest != null) {
                byte[] pkcs8 = master.decrypt(Base64.getDecoder().decode(newest.privateKeyEncrypted()), newest.kid().getBytes(StandardCharsets.UTF_8));
                PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return new CheckpointSigner(newest.kid(), newest.publicKey(), priv);
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            String kid = "ak-" + (now / 1000) + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
            String pub = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
            byte[] sealed = master.encrypt(pair.getPrivate().getEncoded(), kid.getBytes(StandardCharsets.UTF_8));
            store.audit().insertKey(new AuditRepository.Key(kid, node, pub, Base64.getEncoder().encodeToString(sealed), now));
            return new CheckpointSigner(kid, pub, pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("audit checkpoint key unusable: " + e.getClass().getSimpleName(), e);
        }
    }

    public String kid() {
        return kid;
    }

    public String publicKey() {
        return publicKey;
    }

    /** The checkpoint after {@code previous} (null: the node's first), signed. */
    public AuditCheckpoint sign(String node, AuditCheckpoint previous, long seq, String headHash, long ts) {
        AuditCheckpoint unsigned = new AuditCheckpoint(node, previous == null ? 1 : previous.cseq() + 1, seq, headHash, ts,
                previous == null ? dev.bastion.store.AuditRow.GENESIS : previous.hash(), kid, "");
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(unsigned.canonical().getBytes(StandardCharsets.UTF_8));
            String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
            return new AuditCheckpoint(unsigned.node(), unsigned.cseq(), seq, headHash, ts, unsigned.prevHash(), kid, sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * A retention cut of {@code node}'s events up to {@code anchor} (a checkpoint of that node), signed by this
     * key on behalf of {@code purgedBy} (the node this key belongs to).
     */
    public AuditRetentionCut signCut(AuditCheckpoint anchor, String purgedBy, long ts) {
        AuditRetentionCut unsigned = new AuditRetentionCut(anchor.node(), anchor.seq(), anchor.cseq(), anchor.headHash(), ts, purgedBy, kid, "");
        return new AuditRetentionCut(unsigned.node(), unsigned.upToSeq(), unsigned.cseq(), unsigned.anchorHash(), ts, purgedBy, kid,
                signature(unsigned.canonical()));
    }

    /** Whether {@code cut}'s signature is valid under {@code publicKeyBase64}. */
    public static boolean valid(AuditRetentionCut cut, String publicKeyBase64) {
        return verifies(cut.canonical(), cut.signature(), publicKeyBase64);
    }

    private String signature(String canonical) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getClass().getSimpleName(), e);
        }
    }

    private static boolean verifies(String canonical, String signature, String publicKeyBase64) {
        try {
            PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64)));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pub);
            s.update(canonical.getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getUrlDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code cp}'s signature is valid under {@code publicKeyBase64} (X.509 Ed25519). */
    public static boolean valid(AuditCheckpoint cp, String publicKeyBase64) {
        return verifies(cp.canonical(), cp.signature(), publicKeyBase64);
    }
}
