package dev.bastion.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis serving only TLS, with AUTH: the Debian {@code redis-server} (built with TLS; {@code .ci/run} installs
 * it — the embedded one is not), on a free loopback port, nothing saved.
 */
public final class TlsRedis implements AutoCloseable {
    public final int port;
    private final Process process;

    private TlsRedis(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /**
     * @param dir  holds {@code cert}.pem and {@code cert}-key.pem ({@link TestCertificates#server}) and {@code ca}.pem;
     *             the server's log goes to {@code redis.log} there
     */
    public static TlsRedis start(Path dir, String cert, String ca, String password) throws Exception {
        Path binary = Path.of("/usr/bin/redis-server");
        assertThat(binary).as("redis-server with TLS (Debian package redis-server; .ci/run installs it)").exists();
        int port = BastionProcess.freePort();
        Process redis = new ProcessBuilder(binary.toString(), "--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1",
                "--tls-cert-file", dir.resolve(cert + ".pem").toString(), "--tls-key-file", dir.resolve(cert + "-key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve(ca + ".pem").toString(), "--tls-auth-clients", "no",
                "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        // A readiness wait, not a measure of speed: generous, and it fails at once with the server's log if it exits.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return new TlsRedis(port, redis);
            } catch (java.io.IOException notYet) {
                assertThat(redis.isAlive()).as(Files.readString(dir.resolve("redis.log"))).isTrue();
                assertThat(System.nanoTime()).as("redis-server listening").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
