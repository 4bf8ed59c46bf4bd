package dev.bastion.state;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lua script shipped in the jar and run in Redis by its SHA ({@code EVALSHA}), loaded on first use and
 * again after a Redis restart emptied the script cache ({@code NOSCRIPT}). Scripts are how Bastion makes
 * a multi-key decision atomic across every instance in one round trip.
 */
public final class RedisScript {
    /** Where commands go: a {@link RedisPipe}, or a plain client ({@code redis::send}). */
    @FunctionalInterface
    public interface Sender {
        Future<Response> send(Request request);
    }

    private final String source;
    private volatile String sha;

    private RedisScript(String source) {
        this.source = source;
    }

    /** @param resource a classpath resource such as {@code /lua/ratelimit.lua} */
    public static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the jar");
            return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Future<Response> run(Sender redis, List<String> keys, List<Object> args) {
        String s = sha;
        if (s == null) return loadInto(redis).compose(x -> eval(redis, x, keys, args));
        return eval(redis, s, keys, args).recover(t -> {
            if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) return loadInto(redis).compose(x -> eval(redis, x, keys, args));
            return Future.failedFuture(t);
        });
    }

    private static Future<Response> eval(Sender redis, String sha1, List<String> keys, List<Object> args) {
        Request req = Request.cmd(Command.EVALSHA).arg(sha1).arg(keys.size());
        for (String k : keys) req.arg(k);
        for (Object a : args) {
            if (a instanceof Long l) req.arg(l);
            else if (a instanceof Integer i) req.arg(i);
            else req.arg(String.valueOf(a));
        }
        return redis.send(req);
    }

    private Future<String> loadInto(Sender redis) {
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source)).map(r -> {
            sha = r.toString();
            return sha;
        });
    }
}
