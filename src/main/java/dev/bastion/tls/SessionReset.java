package dev.bastion.tls;

import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The JDK TLS engine for a client whose certificate rotates, able to forget its sessions: a resumed session (a
 * TLS 1.3 ticket, a 1.2 session id) carries the certificate of the handshake that made it, so without this a
 * rotated client certificate would be presented to an upstream only once its old sessions expired.
 */
public final class SessionReset extends JdkSSLEngineOptions {
    private final Set<SSLSessionContext> contexts = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public SessionReset() {}

    private SessionReset(SessionReset shared) {
        super(shared);
    }

    /** Every session the engines made so far is invalidated: the next connection makes a full handshake. */
    public void forgetSessions() {
        synchronized (contexts) {
            for (SSLSessionContext c : contexts) {
                for (Enumeration<byte[]> ids = c.getIds(); ids.hasMoreElements(); ) {
                    SSLSession s = c.getSession(ids.nextElement());
                    if (s != null) s.invalidate();
                }
            }
        }
    }

    @Override
    public SessionReset copy() {
        // Vert.x copies options it is given; the copy must reach the same contexts.
        return this;
    }

    @Override
    public SslContextFactory sslContextFactory() {
        SslContextFactory inner = super.sslContextFactory();
        return new SslContextFactory() {
            @Override
            public SslContextFactory useAlpn(boolean useAlpn) {
                inner.useAlpn(useAlpn);
                return this;
            }

            @Override
            public SslContextFactory clientAuth(io.netty.handler.ssl.ClientAuth clientAuth) {
                inner.clientAuth(clientAuth);
                return this;
            }

            @Override
            public SslContextFactory forClient(boolean forClient) {
                inner.forClient(forClient);
                return this;
            }

            @Override
            public SslContextFactory keyMananagerFactory(javax.net.ssl.KeyManagerFactory kmf) {
                inner.keyMananagerFactory(kmf);
                return this;
            }

            @Override
            public SslContextFactory trustManagerFactory(javax.net.ssl.TrustManagerFactory tmf) {
                inner.trustManagerFactory(tmf);
                return this;
            }

            @Override
            public SslContextFactory enabledCipherSuites(Set<String> suites) {
                inner.enabledCipherSuites(suites);
                return this;
            }

            @Override
            public SslContextFactory applicationProtocols(java.util.List<String> protocols) {
                inner.applicationProtocols(protocols);
                return this;
            }

            @Override
            public SslContextFactory serverName(String name) {
                inner.serverName(name);
                return this;
            }

            @Override
            public SslContext create() throws javax.net.ssl.SSLException {
                SslContext made = inner.create();
                contexts.add(made.sessionContext());
                return made;
            }
        };
    }
}
