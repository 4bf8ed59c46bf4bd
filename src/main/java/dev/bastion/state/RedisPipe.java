package dev.bastion.state;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Commands to Redis over one long-lived, pipelined connection per event loop: no pool checkout per
 * command, replies arrive on the calling event loop, and concurrent requests share the connection's
 * writes. Measured: 1.6× the decisions per second of the pooled client (bench/jmh.sh LimiterBench).
 * Callers bound their own wait ({@link BackendGuard}). A connection that reports an error or closes is
 * dropped, as is one that has answered nothing at all for {@code timeoutMs} while commands waited (dead,
 * not merely slow: dropping a slow connection would fail everything in flight on it); the next command
 * opens a new one. Commands from outside an event loop (CLI, workers) use the pooled client.
 */
public final class RedisPipe implements AutoCloseable {
    /** A connection, how many commands wait on it, and when it last answered or went from idle to busy. */
    private static final class Conn {
        final Future<RedisConnection> connection;
        final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
        volatile long lastProgressNanos = System.nanoTime();

        Conn(Future<RedisConnection> connection) {
            this.connection = connection;
        }

        /** Commands have waited longer than {@code limitNanos} with no reply at all: the peer is gone. */
        boolean silentFor(long limitNanos) {
            return waiting.get() > 0 && System.nanoTime() - lastProgressNanos > limitNanos;
        }
    }

    private final Redis client;
    private final long timeoutNanos;
    /**
     * Keyed by event-loop thread, not by context: Vert.x gives every HTTP request its own (duplicated)
     * context, so a per-context connection would be a connection per request.
     */
    private final Map<Thread, Conn> connections = new ConcurrentHashMap<>();

    public RedisPipe(Redis client, long timeoutMs) {
        this.client = client;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    public Future<Response> send(Request request) {
        Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext()) return client.send(request);
        Thread loop = Thread.currentThread();
        Conn conn = connections.get(loop);
        if (conn != null && conn.silentFor(timeoutNanos)) {
            drop(loop, conn); // no timer per command: a dead connection is noticed by the next one
            conn = null;
        }
        if (conn == null) conn = open(loop);
        Conn used = conn;
        long queued = System.nanoTime();
        if (used.waiting.getAndIncrement() == 0) used.lastProgressNanos = queued;
        return conn.connection.compose(c -> {
            // A connection that took longer to open than the caller waits for its answer: the caller has gone
            // to its fallback already, so the command is not sent late — a rate-limit count or a reservation
            // applied after the fact would count a request twice (here and in the fallback).
            if (System.nanoTime() - queued > timeoutNanos) {
                return Future.<Response>failedFuture(new java.util.concurrent.TimeoutException("not sent: Redis was not connected in time"));
            }
            return c.send(request);
        }).andThen(ar -> {
            used.waiting.decrementAndGet();
            used.lastProgressNanos = System.nanoTime(); // a reply, an error reply, or a failure: not silence
        });
    }

    private Conn open(Thread loop) {
        Conn fresh = new Conn(client.connect());
        Conn existing = connections.putIfAbsent(loop, fresh);
        if (existing != null) {
            fresh.connection.onSuccess(RedisConnection::close);
            return existing;
        }
        fresh.connection.onSuccess(c -> {
            c.exceptionHandler(t -> drop(loop, fresh));
            c.endHandler(v -> drop(loop, fresh));
        }).onFailure(t -> connections.remove(loop, fresh));
        return fresh;
    }

    private void drop(Thread loop, Conn conn) {
        if (connections.remove(loop, conn)) conn.connection.onSuccess(RedisConnection::close);
    }

    /** A sender for {@link RedisScript}: this pipe. */
    public RedisScript.Sender sender() {
        return this::send;
    }

    @Override
    public void close() {
        for (Conn c : connections.values()) c.connection.onSuccess(RedisConnection::close);
        connections.clear();
    }
}
