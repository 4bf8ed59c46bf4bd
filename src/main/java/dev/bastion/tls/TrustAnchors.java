package dev.bastion.tls;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom a TLS endpoint trusts: a PKIX trust manager that can be replaced while connections are made (a CA bundle
 * rotated in place), optionally a set of pinned server keys, and how an untrusted client certificate is taken.
 * Every check runs the delegate's own (chain, validity, and for servers the host name the connection asked
 * for) first: a pin narrows what is trusted and never widens it.
 */
public final class TrustAnchors extends X509ExtendedTrustManager {
    /** How a client certificate the CAs do not verify is taken by a server. */
    public enum Clients {
        /** the handshake fails */
        REFUSE,
        /** the handshake goes on as if none had been sent: whoever reads the certificate must verify it again ({@link #verifiesClient}) */
        TREAT_AS_ABSENT
    }

    private volatile X509ExtendedTrustManager delegate;
    private final Set<String> pins;
    private final Clients clients;

    /**
     * @param pinSha256 base64 SHA-256 of the server's SubjectPublicKeyInfo; empty for no pinning
     */
    public TrustAnchors(X509ExtendedTrustManager delegate, List<String> pinSha256, Clients clients) {
        this.delegate = delegate;
        this.pins = Set.copyOf(pinSha256);
        this.clients = clients;
    }

    public void update(X509ExtendedTrustManager next) {
        delegate = next;
    }

    /** Whether the CAs verify {@code chain} as a client's: what a server that treats unverified certificates as absent asks per caller. */
    public boolean verifiesClient(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) return false;
        try {
            delegate.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            return true;
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
    }

    /** base64 SHA-256 of a certificate's SubjectPublicKeyInfo: the pin format of RFC 7469. */
    public static String spkiSha256(X509Certificate cert) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pinned(X509Certificate[] chain) throws CertificateException {
        if (pins.isEmpty()) return;
        if (chain == null || chain.length == 0 || !pins.contains(spkiSha256(chain[0]))) {
            throw new CertificateException("the server's key is not one of the pinned keys");
        }
    }

    private void client(ClientCheck check) throws CertificateException {
        try {
            check.run();
        } catch (CertificateException e) {
            if (clients == Clients.REFUSE) throw e;
        }
    }

    @FunctionalInterface
    private interface ClientCheck {
        void run() throws CertificateException;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        client(() -> delegate.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        client(() -> delegate.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        client(() -> delegate.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        pinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        pinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        pinned(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
