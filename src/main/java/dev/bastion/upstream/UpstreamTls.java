package dev.bastion.upstream;

import dev.bastion.config.UpstreamTlsConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.secrets.RotatingSecret;
import dev.bastion.secrets.Secret;
import dev.bastion.tls.Pem;
import dev.bastion.tls.ReloadingKeyManager;
import dev.bastion.tls.TrustAnchors;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream's mTLS (E7): the client certificate Bastion presents — read from its secret references, which the
 * secret watcher keeps current, and rebuilt for the next new connection when either changes — and the trust its
 * certificate must meet: only {@code ca}'s CAs when given, else the JDK's; its key one of {@code pin_sha256} when given.
 */
public final class UpstreamTls {
    private static final Logger log = LoggerFactory.getLogger(UpstreamTls.class);

    private final Vertx vertx;
    private final String place;
    private final RotatingSecret cert;
    private final RotatingSecret key;
    private final ReloadingKeyManager keys;
    private final ClientProfile.Tls tls;
    private final dev.bastion.tls.SessionReset sessions = new dev.bastion.tls.SessionReset();
    private volatile Secret builtCert;
    private volatile Secret builtKey;

    /**
     * @param cert the PEM chain, null with {@code key} when the upstream asks for no client certificate
     * @throws IllegalArgumentException when the PEM or the CA file is unusable (the config's error)
     */
    public UpstreamTls(Vertx vertx, String place, UpstreamTlsConfig config, RotatingSecret cert, RotatingSecret key) {
        this.vertx = vertx;
        this.place = place;
        this.cert = cert;
        this.key = key;
        if (cert != null) {
            builtCert = cert.current();
            builtKey = key.current();
            keys = new ReloadingKeyManager(keyManager(builtCert, builtKey));
        } else {
            keys = null;
        }
        javax.net.ssl.X509ExtendedTrustManager anchors;
        try {
            anchors = config.ca() == null ? Pem.systemTrust() : Pem.trustManager(vertx, Files.readAllBytes(config.ca()));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(place + ".ca: cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(place + ".ca: " + e.getMessage());
        }
        tls = new ClientProfile.Tls(keys, new TrustAnchors(anchors, config.pinSha256(), TrustAnchors.Clients.REFUSE),
                keys == null ? null : sessions);
    }

    private javax.net.ssl.X509KeyManager keyManager(Secret c, Secret k) {
        try {
            return Pem.keyManager(vertx, c.reveal().getBytes(StandardCharsets.UTF_8), k.reveal().getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(place + ".client_cert/client_key: " + e.getMessage());
        }
    }

    ClientProfile.Tls profile() {
        return tls;
    }

    /**
     * Picks up a rotated certificate or key: called before each request, it costs two reads when nothing changed.
     * A pair that does not parse (a certificate rotated before its key) keeps the last good one until both agree.
     */
    void refresh() {
        if (keys == null) return;
        Secret c = cert.current(), k = key.current();
        if (c == builtCert && k == builtKey) return;
        synchronized (this) {
            if (c == builtCert && k == builtKey) return;
            try {
                keys.update(keyManager(c, k));
                sessions.forgetSessions(); // a resumed session would present the old certificate
                log.info("{}: new client certificate in use for new connections", place);
            } catch (IllegalArgumentException e) {
                log.warn("{}: the rotated client certificate and key do not form a pair yet; the previous one stays in use", place);
            }
            builtCert = c;
            builtKey = k;
        }
    }

    /** The places this upstream's client certificate is read from, for the secret watcher. */
    public static List<String> places(String upstream) {
        return List.of("upstreams." + upstream + ".tls.client_cert", "upstreams." + upstream + ".tls.client_key");
    }
}
