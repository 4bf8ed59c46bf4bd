package dev.bastion.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A syslog receiver over TLS (RFC 5425) of the tests' own: parses the octet-counting frames ({@code LENGTH SP MSG})
 * exactly, and fails the connection on a frame that is not one, so a sink that frames wrongly is seen.
 */
public final class SyslogReceiver implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    public final List<String> messages = new CopyOnWriteArrayList<>();
    public final List<String> framingErrors = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();

    public SyslogReceiver(Path cert, Path key) throws Exception {
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))).connectHandler(socket -> {
            connections.incrementAndGet();
            Buffer[] pending = {Buffer.buffer()};
            socket.handler(data -> {
                pending[0].appendBuffer(data);
                while (true) {
                    Buffer b = pending[0];
                    int sp = -1;
                    for (int i = 0; i < Math.min(b.length(), 12); i++) if (b.getByte(i) == ' ') { sp = i; break; }
                    if (sp < 0) {
                        if (b.length() >= 12) { framingErrors.add("no length"); socket.close(); }
                        return;
                    }
                    String len = b.getString(0, sp, "US-ASCII");
                    if (!len.matches("[1-9][0-9]*")) { framingErrors.add("bad length '" + len + "'"); socket.close(); return; }
                    int n = Integer.parseInt(len);
                    if (b.length() < sp + 1 + n) return;
                    messages.add(new String(b.getBytes(sp + 1, sp + 1 + n), StandardCharsets.UTF_8));
                    pending[0] = b.getBuffer(sp + 1 + n, b.length());
                }
            });
        }).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
