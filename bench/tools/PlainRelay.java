import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The baseline of bench/egress-proxy.sh: a plain TCP relay, nothing but bytes copied both ways (two virtual
 * threads per connection, 64 KiB buffers, TCP_NODELAY). No parsing, no checks, no record.
 *
 *   java bench/tools/PlainRelay.java LISTEN_PORT TARGET_PORT
 */
public final class PlainRelay {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]), target = Integer.parseInt(args[1]);
        try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
                        client.setTcpNoDelay(true);
                        upstream.setTcpNoDelay(true);
                        Thread up = Thread.ofVirtual().start(() -> copy(client, upstream));
                        copy(upstream, client);
                        up.join();
                    } catch (Exception e) {
                        // the connection is over
                    }
                });
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
            to.shutdownOutput();
        } catch (Exception e) {
            try {
                from.close();
                to.close();
            } catch (Exception ignored) {
                // closed
            }
        }
    }
}
