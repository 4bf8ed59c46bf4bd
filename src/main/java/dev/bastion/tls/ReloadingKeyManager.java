package dev.bastion.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A key manager whose certificate and key can be replaced while connections are made: each handshake reads the
 * current one, open connections keep theirs. Aliases carry the version they were chosen from, so a handshake that
 * straddles a swap still gets a certificate and the key that belongs to it (the JDK reads them in separate calls).
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private record Version(long number, X509KeyManager keys) {}

    private volatile Version current;
    private volatile Version previous;

    public ReloadingKeyManager(X509KeyManager initial) {
        current = new Version(0, initial);
    }

    /** New handshakes use {@code keys} from now on. */
    public synchronized void update(X509KeyManager keys) {
        previous = current;
        current = new Version(current.number() + 1, keys);
    }

    private static String tag(Version v, String alias) {
        return alias == null ? null : v.number() + ":" + alias;
    }

    private Version of(String tagged) {
        if (tagged == null) return null;
        int colon = tagged.indexOf(':');
        if (colon < 0) return null;
        String n = tagged.substring(0, colon);
        Version c = current, p = previous;
        if (String.valueOf(c.number()).equals(n)) return c;
        return p != null && String.valueOf(p.number()).equals(n) ? p : null;
    }

    private static String alias(String tagged) {
        return tagged.substring(tagged.indexOf(':') + 1);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        Version v = current;
        String a = v.keys() instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine) : v.keys().chooseClientAlias(keyType, issuers, null);
        return tag(v, a);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Version v = current;
        String a = v.keys() instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine) : v.keys().chooseServerAlias(keyType, issuers, null);
        return tag(v, a);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        Version v = current;
        return tag(v, v.keys().chooseClientAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Version v = current;
        return tag(v, v.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return tagAll(current, current.keys().getClientAliases(keyType, issuers));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return tagAll(current, current.keys().getServerAliases(keyType, issuers));
    }

    private static String[] tagAll(Version v, String[] aliases) {
        if (aliases == null) return null;
        String[] out = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) out[i] = tag(v, aliases[i]);
        return out;
    }

    @Override
    public X509Certificate[] getCertificateChain(String tagged) {
        Version v = of(tagged);
        return v == null ? null : v.keys().getCertificateChain(alias(tagged));
    }

    @Override
    public PrivateKey getPrivateKey(String tagged) {
        Version v = of(tagged);
        return v == null ? null : v.keys().getPrivateKey(alias(tagged));
    }
}
