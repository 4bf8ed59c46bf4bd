package dev.bastion.net;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        if (network.length != 4 && network.length != 16) throw new IllegalArgumentException("network: " + network.length + " bytes (expected: 4 or 16)");
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length: " + prefixLength + " (expected: 0.." + network.length * 8 + ")");
        }
        network = network.clone();
    }

    /** Every range of a config list, or an error naming the first bad one as {@code key[i]}. */
    public static java.util.List<Cidr> parseAll(String key, java.util.List<String> texts) {
        java.util.List<Cidr> out = new java.util.ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage());
            }
        }
        return java.util.List.copyOf(out);
    }

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text.trim() : text.substring(0, slash).trim();
        byte[] bytes = IpAddresses.parse(addr);
        if (bytes == null) throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix length " + prefix + " (expected: 0.." + bytes.length * 8 + ")");
            }
        }
        // Host bits set (10.1.2.3/8) usually mean a typo; refuse rather than guess what was meant.
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set beyond /" + prefix);
            }
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }
}
