package dev.bastion.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the embedded-redis binary) for fault tests: paused with SIGSTOP and resumed with
 * SIGCONT, killed with SIGKILL (nothing saved on the way out), and started again on the same port — with
 * AOF ({@code appendfsync always}) it comes back with every write it had executed, without it empty.
 */
public final class RedisProcess implements AutoCloseable {
    public final int port;
    public final boolean aof;
    private final Path dir;
    private RedisServer server;
    private long pid;

    private RedisProcess(int port, boolean aof, Path dir) {
        this.port = port;
        this.aof = aof;
        this.dir = dir;
    }

    public static RedisProcess start(boolean aof) throws Exception {
        RedisProcess r = new RedisProcess(BastionProcess.freePort(), aof, Files.createTempDirectory("redis"));
        r.startServer();
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private void startServer() throws IOException {
        server = RedisServer.newRedisServer().port(port)
                .setting("dir " + dir)
                .setting("save \"\"")
                .setting("appendonly " + (aof ? "yes" : "no"))
                .setting("appendfsync always")
                .build();
        server.start();
        pid = Long.parseLong(command("INFO", "server").replaceAll("(?s).*process_id:(\\d+).*", "$1"));
    }

    public void pause() throws Exception {
        signal("STOP");
    }

    public void resume() throws Exception {
        signal("CONT");
    }

    /** SIGKILL: no shutdown, no save; what survives is what AOF had written. */
    public void kill() throws Exception {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        server.stop(); // only marks it stopped: the process is gone
    }

    /** Starts it again on the same port and directory. */
    public void restart() throws IOException {
        startServer();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new IllegalStateException("kill -" + name + " " + pid + " failed");
    }

    /** One command over a fresh connection, its reply as text (RESP, read raw: enough for tests). */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            return send(s, args);
        }
    }

    /**
     * Takes every pub/sub channel away from the default user, as an ACL without them does: SUBSCRIBE and PUBLISH
     * then answer {@code NOPERM} (to it; {@link #publishAsPublisher} still publishes), until {@link #allowChannels}.
     */
    public void denyChannels() throws IOException {
        command("ACL", "SETUSER", "publisher", "on", "nopass", "allchannels", "allcommands", "allkeys");
        command("ACL", "SETUSER", "default", "resetchannels");
    }

    public void allowChannels() throws IOException {
        command("ACL", "SETUSER", "default", "allchannels");
    }

    /** PUBLISH as a user that may, whatever the default user may: the reply is how many subscriptions received it. */
    public String publishAsPublisher(String channel, String message) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            send(s, "AUTH", "publisher", "any"); // nopass: any password
            return send(s, "PUBLISH", channel, message);
        }
    }

    private static String send(Socket s, String... args) throws IOException {
        StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply(s.getInputStream());
    }

    /** A hash field as a number (0 when absent). */
    public long hget(String key, String field) throws IOException {
        String v = command("HGET", key, field);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static final Pattern BULK = Pattern.compile("\\$(-?\\d+)");

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        switch (line.charAt(0)) {
            case '+', ':' -> {
                return line.substring(1);
            }
            case '-' -> throw new IOException(line.substring(1));
            case '$' -> {
                Matcher m = BULK.matcher(line);
                if (!m.matches()) throw new IOException("bad reply " + line);
                int n = Integer.parseInt(m.group(1));
                if (n < 0) return null;
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < n; i++) all.append(i == 0 ? "" : "\n").append(readReply(in));
                return all.toString();
            }
            default -> throw new IOException("bad reply " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws Exception {
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                signal("CONT"); // a paused process ignores SIGTERM until it runs again
            } catch (Exception ignored) {
                // it may be gone already
            }
        });
        server.stop();
    }
}
