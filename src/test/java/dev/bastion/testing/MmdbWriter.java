package dev.bastion.testing;

import dev.bastion.net.Cidr;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files (format 2.0: an IPv6 search tree with 32-bit records, IPv4 networks
 * under ::/96, then the data section and the metadata) so tests can build a GeoIP-style database of
 * their own; the real reader library reads them back. Values: strings, maps, lists, booleans, ints
 * (uint32), longs (uint64). Networks must not overlap.
 */
public final class MmdbWriter {
    private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'};

    private static final class Node {
        Object zero, one; // a Node, an Integer offset into the data section, or null (no data)
    }

    private final Node root = new Node();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final String databaseType;

    public MmdbWriter(String databaseType) {
        this.databaseType = databaseType;
    }

    /** Records {@code value} for every address in {@code cidr} (IPv4 or IPv6). */
    public MmdbWriter insert(String cidr, Map<String, ?> value) {
        Cidr c = Cidr.parse(cidr);
        byte[] address = new byte[16];
        int bits;
        if (c.network().length == 4) {
            System.arraycopy(c.network(), 0, address, 12, 4);
            bits = 96 + c.prefixLength();
        } else {
            System.arraycopy(c.network(), 0, address, 0, 16);
            bits = c.prefixLength();
        }
        if (bits == 0) throw new IllegalArgumentException("the whole address space is not a network here");
        int offset = data.size();
        encode(value, data);
        Node n = root;
        for (int i = 0; i < bits - 1; i++) {
            boolean one = bit(address, i);
            Object next = one ? n.one : n.zero;
            if (!(next instanceof Node)) {
                if (next != null) throw new IllegalArgumentException(cidr + " overlaps a network already inserted");
                next = new Node();
                if (one) n.one = next;
                else n.zero = next;
            }
            n = (Node) next;
        }
        if (bit(address, bits - 1)) n.one = offset;
        else n.zero = offset;
        return this;
    }

    public Path write(Path file) throws java.io.IOException {
        Map<Node, Integer> index = new IdentityHashMap<>();
        List<Node> order = new java.util.ArrayList<>();
        ArrayDeque<Node> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            index.put(n, order.size());
            order.add(n);
            if (n.zero instanceof Node z) queue.add(z);
            if (n.one instanceof Node o) queue.add(o);
        }
        long nodeCount = order.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : order) {
            for (Object r : new Object[] {n.zero, n.one}) {
                long record = r instanceof Node child ? index.get(child) : r instanceof Integer off ? nodeCount + 16 + off : nodeCount;
                for (int shift = 24; shift >= 0; shift -= 8) out.write((int) (record >>> shift) & 0xff);
            }
        }
        out.write(new byte[16]); // the data section separator
        data.writeTo(out);
        out.write(METADATA_MARKER);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("binary_format_major_version", new U16(2));
        meta.put("binary_format_minor_version", new U16(0));
        meta.put("build_epoch", BigInteger.valueOf(1_700_000_000L));
        meta.put("database_type", databaseType);
        meta.put("description", Map.of("en", "Bastion test database"));
        meta.put("ip_version", new U16(6));
        meta.put("languages", List.of("en"));
        meta.put("node_count", nodeCount);
        meta.put("record_size", new U16(32));
        encode(meta, out);
        return Files.write(file, out.toByteArray());
    }

    private record U16(int value) {}

    private static boolean bit(byte[] a, int i) {
        return (a[i / 8] & (0x80 >>> (i % 8))) != 0;
    }

    private static void encode(Object v, ByteArrayOutputStream out) {
        switch (v) {
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                control(out, 2, b.length);
                out.writeBytes(b);
            }
            case Map<?, ?> m -> {
                control(out, 7, m.size());
                for (var e : m.entrySet()) {
                    encode(String.valueOf(e.getKey()), out);
                    encode(e.getValue(), out);
                }
            }
            case List<?> l -> {
                control(out, 11, l.size());
                for (Object o : l) encode(o, out);
            }
            case Boolean b -> control(out, 14, b ? 1 : 0);
            case U16 u -> unsigned(out, 5, BigInteger.valueOf(u.value()));
            case Integer i -> unsigned(out, 6, BigInteger.valueOf(i));
            case Long l -> unsigned(out, 6, BigInteger.valueOf(l));
            case BigInteger b -> unsigned(out, 9, b);
            default -> throw new IllegalArgumentException("cannot encode " + v.getClass());
        }
    }

    private static void unsigned(ByteArrayOutputStream out, int type, BigInteger value) {
        byte[] b = value.toByteArray();
        int skip = 0;
        while (skip < b.length && b[skip] == 0) skip++; // minimal big-endian, no sign byte
        control(out, type, b.length - skip);
        out.write(b, skip, b.length - skip);
    }

    /** The control byte (type in the top 3 bits; types above 7 are "extended") and the size. */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        int first = (type <= 7 ? type : 0) << 5;
        byte[] extra;
        if (size < 29) {
            first |= size;
            extra = new byte[0];
        } else if (size < 285) {
            first |= 29;
            extra = new byte[] {(byte) (size - 29)};
        } else if (size < 65_821) {
            first |= 30;
            int s = size - 285;
            extra = new byte[] {(byte) (s >>> 8), (byte) s};
        } else {
            first |= 31;
            int s = size - 65_821;
            extra = new byte[] {(byte) (s >>> 16), (byte) (s >>> 8), (byte) s};
        }
        out.write(first);
        if (type > 7) out.write(type - 7);
        out.writeBytes(extra);
    }
}
