package dev.bastion.state;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * A subscription to one Redis pub/sub channel on a dedicated connection. The Vert.x client completes
 * {@code SUBSCRIBE}'s future as soon as the command is written: Redis's confirmation, and its refusal (an
 * error reply, e.g. {@code NOPERM} from an ACL without the channel), reach the connection's handler like
 * the messages do. {@link #subscribe} turns them into its future, and hands on only the messages.
 */
public final class PubSub {
    private PubSub() {}

    /** Redis answered the subscription with an error; the message is the reply's code only (NOPERM, ERR…), never its text. */
    public static final class Refused extends RuntimeException {
        Refused(String code) {
            super(code, null, false, false);
        }
    }

    /**
     * Subscribes {@code conn} to {@code channel}: completes once Redis confirms, fails with {@link Refused} if it
     * answers with an error, or if the connection ends first. Each message's payload goes to {@code onMessage};
     * an error after the confirmation closes the connection (its end is the caller's cue to subscribe again).
     */
    public static Future<Void> subscribe(RedisConnection conn, String channel, Handler<Response> onMessage, Handler<Void> onEnd) {
        Promise<Void> confirmed = Promise.promise();
        conn.handler(replies(channel, confirmed, onMessage, conn::close));
        conn.endHandler(v -> {
            onEnd.handle(v); // first: the caller reports the end as such
            confirmed.tryFail("connection closed before Redis confirmed the subscription");
        });
        return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).compose(v -> confirmed.future());
    }

    /** Every reply on the subscribed connection, whatever its type: never throws. */
    static Handler<Response> replies(String channel, Promise<Void> confirmed, Handler<Response> onMessage, Runnable lateError) {
        return r -> {
            if (r == null) return;
            if (r.type() == ResponseType.ERROR) {
                if (!confirmed.tryFail(new Refused(code(r)))) lateError.run();
                return;
            }
            if ((r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() != 3 || !channel.equals(text(r.get(1)))) return;
            String kind = text(r.get(0));
            if ("subscribe".equals(kind)) confirmed.tryComplete();
            else if ("message".equals(kind) && r.get(2) != null && r.get(2).type() == ResponseType.BULK) onMessage.handle(r.get(2));
        };
    }

    /** What went wrong, for a log line: a refusal's code, or the failure's class only (its message is not needed). */
    public static String problem(Throwable t) {
        if (t instanceof Refused) return "refused SUBSCRIBE (" + t.getMessage() + ")";
        return "unreachable (" + (t == null ? "connection closed" : t.getClass().getSimpleName()) + ")";
    }

    private static String text(Response r) {
        return r != null && (r.type() == ResponseType.BULK || r.type() == ResponseType.SIMPLE) ? r.toString() : null;
    }

    /** The error's code: its first word, if it looks like one (the rest may name users or keys). */
    private static String code(Response error) {
        String s = error.toString(), first = s == null ? "" : s.split(" ", 2)[0];
        return first.matches("[A-Z]{1,32}") ? first : "ERR";
    }
}
