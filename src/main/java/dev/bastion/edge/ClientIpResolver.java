package dev.bastion.edge;

import dev.bastion.net.Cidr;
import dev.bastion.net.IpAddresses;
import java.util.List;

/**
 * Decides the client's IP. The TCP peer is the client unless the peer is a configured trusted proxy;
 * then {@code X-Forwarded-For} is walked from the right, skipping trusted proxies, and the first
 * untrusted address is the client. Entries left of that are attacker-controlled and ignored, so a
 * client cannot pick its own IP (to dodge a per-IP limit or an IP block) by sending the header.
 */
public final class ClientIpResolver {
    private final List<Cidr> trusted;

    public ClientIpResolver(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /**
     * @param peer          the TCP peer address text
     * @param forwardedFors every {@code X-Forwarded-For} header value, in order
     * @return canonical IP text
     */
    public String resolve(String peer, List<String> forwardedFors) {
        byte[] peerBytes = IpAddresses.parse(peer);
        String peerText = peerBytes == null ? peer : IpAddresses.format(peerBytes);
        if (trusted.isEmpty() || peerBytes == null || !isTrusted(peerBytes) || forwardedFors.isEmpty()) return peerText;
        String candidate = peerText;
        // Walk all hops right to left across all header instances (multiple headers concatenate).
        for (int h = forwardedFors.size() - 1; h >= 0; h--) {
            String[] hops = forwardedFors.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                byte[] b = IpAddresses.parse(stripPort(hop));
                if (b == null) return candidate; // garbage: stop at the last address we could trust
                candidate = IpAddresses.format(b);
                if (!isTrusted(b)) return candidate;
            }
        }
        return candidate;
    }

    /** Whether the TCP peer is a configured trusted proxy (whose forwarding headers may be believed). */
    public boolean trusts(String peer) {
        if (trusted.isEmpty()) return false;
        byte[] b = IpAddresses.parse(peer);
        return b != null && isTrusted(b);
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) if (c.contains(address)) return true;
        return false;
    }

    /** Some proxies append a port: {@code 1.2.3.4:5678} or {@code [::1]:5678}. */
    static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) return hop.substring(0, colon); // IPv4:port
        return hop;
    }
}
