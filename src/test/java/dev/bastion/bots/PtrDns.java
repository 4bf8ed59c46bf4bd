package dev.bastion.bots;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server of the test's own, on UDP, speaking the wire protocol: PTR questions get the names set with
 * {@link #ptr}, A questions the addresses set with {@link #a} (TTL 0); anything else an empty answer. Counts
 * questions per name, so a test can see what a cache saved.
 */
final class PtrDns implements AutoCloseable {
    private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    private final Map<String, List<String>> ptr = new ConcurrentHashMap<>();
    private final Map<String, List<String>> a = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    PtrDns() throws Exception {
        Thread.ofVirtual().start(this::serve);
    }

    /** A Vert.x resolver that asks only this server, without a cache, with {@code localhost} in its hosts file. */
    AddressResolverOptions resolverOptions() {
        return new AddressResolverOptions().setServers(List.of("127.0.0.1:" + socket.getLocalPort())).setCacheMaxTimeToLive(0).setCacheNegativeTimeToLive(0)
                .setHostsValue(Buffer.buffer("127.0.0.1 localhost\n")).setSearchDomains(List.of()).setNdots(1).setOptResourceEnabled(false);
    }

    /** The PTR names of an IPv4 address. */
    void ptr(String ipv4, String... names) {
        String[] o = ipv4.split("\\.");
        ptr.put(o[3] + "." + o[2] + "." + o[1] + "." + o[0] + ".in-addr.arpa", List.of(names));
    }

    void a(String name, String... addresses) {
        a.put(name, List.of(addresses));
    }

    int queries(String name) {
        AtomicInteger n = counts.get(name);
        return n == null ? 0 : n.get();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
                int i = 12;
                StringBuilder name = new StringBuilder();
                while (q[i] != 0) {
                    if (!name.isEmpty()) name.append('.');
                    name.append(new String(q, i + 1, q[i], StandardCharsets.US_ASCII));
                    i += q[i] + 1;
                }
                String qname = name.toString().toLowerCase(java.util.Locale.ROOT);
                int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
                int questionEnd = i + 5;
                counts.computeIfAbsent(qname, k -> new AtomicInteger()).incrementAndGet();
                List<byte[]> rdata = new java.util.ArrayList<>();
                if (qtype == 12) for (String n : ptr.getOrDefault(qname, List.of())) rdata.add(encodeName(n));
                if (qtype == 1) for (String addr : a.getOrDefault(qname, List.of())) rdata.add(InetAddress.getByName(addr).getAddress());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(q, 0, 2); // id
                out.write(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) rdata.size(), 0, 0, 0, 0});
                out.write(q, 12, questionEnd - 12);
                for (byte[] r : rdata) {
                    out.write(new byte[] {(byte) 0xc0, 0x0c, 0, (byte) qtype, 0, 1, 0, 0, 0, 0, (byte) (r.length >> 8), (byte) r.length});
                    out.write(r);
                }
                byte[] answer = out.toByteArray();
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (Exception e) {
                if (socket.isClosed()) return;
            }
        }
    }

    private static byte[] encodeName(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.write(l, 0, l.length);
        }
        out.write(0);
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
    }
}
