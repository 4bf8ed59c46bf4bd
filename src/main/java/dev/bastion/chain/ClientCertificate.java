package dev.bastion.chain;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS session a request came on, on a listener that asks for client certificates (an exchange attribute). The
 * chain is read only by whoever needs it, and verified against the listener's CAs once per session: a listener that
 * merely requests certificates lets the handshake finish with one its CAs do not verify, which must count as none.
 */
public record ClientCertificate(SSLSession session, Predicate<X509Certificate[]> verifier) {
    private static final String VERIFIED = "dev.bastion.client_certificate.verified";

    /** The client's verified chain, leaf first; null when it sent none or the listener's CAs do not verify it. */
    public X509Certificate[] verified() {
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (peer == null || peer.length == 0) return null;
        X509Certificate[] chain = new X509Certificate[peer.length];
        for (int i = 0; i < peer.length; i++) {
            if (!(peer[i] instanceof X509Certificate x)) return null;
            chain[i] = x;
        }
        Object known = session.getValue(VERIFIED);
        boolean ok;
        if (known instanceof Boolean b) {
            ok = b;
        } else {
            ok = verifier.test(chain);
            session.putValue(VERIFIED, ok);
        }
        return ok ? chain : null;
    }
}
