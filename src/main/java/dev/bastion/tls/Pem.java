package dev.bastion.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/** Key and trust managers from PEM text (Vert.x's parser: PKCS#8, PKCS#1 and SEC1 keys, chains of any length). */
public final class Pem {
    private Pem() {}

    /** @throws IllegalArgumentException when the PEM holds no certificate or no usable key (the message names neither's content) */
    public static X509KeyManager keyManager(Vertx vertx, byte[] certChain, byte[] privateKey) {
        try {
            KeyManager[] kms = new PemKeyCertOptions().setCertValue(Buffer.buffer(certChain)).setKeyValue(Buffer.buffer(privateKey))
                    .getKeyManagerFactory(vertx).getKeyManagers();
            for (KeyManager km : kms) if (km instanceof X509KeyManager x) return x;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a PEM certificate chain and private key (" + e.getClass().getSimpleName() + ")");
        }
        throw new IllegalArgumentException("not a PEM certificate chain and private key");
    }

    /** A PKIX trust manager that trusts exactly the certificates in {@code caBundle}. */
    public static X509ExtendedTrustManager trustManager(Vertx vertx, byte[] caBundle) {
        try {
            TrustManager[] tms = new PemTrustOptions().addCertValue(Buffer.buffer(caBundle)).getTrustManagerFactory(vertx).getTrustManagers();
            for (TrustManager tm : tms) if (tm instanceof X509ExtendedTrustManager x) return x;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a PEM CA bundle (" + e.getClass().getSimpleName() + ")");
        }
        throw new IllegalArgumentException("not a PEM CA bundle");
    }

    /** The JDK's default trust store as a trust manager. */
    public static X509ExtendedTrustManager systemTrust() {
        try {
            javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            f.init((java.security.KeyStore) null);
            for (TrustManager tm : f.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager x) return x;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store cannot be read", e);
        }
        throw new IllegalStateException("the JDK has no X.509 trust manager");
    }
}
