package dev.bastion.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BooleanType;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import io.vertx.redis.client.impl.types.PushType;
import io.vertx.redis.client.impl.types.SimpleStringType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Whatever reaches a subscribed connection's handler: only a message on the channel is handed on, the
 * confirmation completes the subscription, an error fails it (or, once subscribed, closes the connection),
 * and nothing — an error, a scalar, an array of another shape — makes the handler throw.
 */
class PubSubTest {
    static final String CHANNEL = "bastion:test";

    final Promise<Void> confirmed = Promise.promise();
    final List<String> delivered = new ArrayList<>();
    final AtomicInteger lateErrors = new AtomicInteger();
    final Handler<Response> replies = PubSub.replies(CHANNEL, confirmed, p -> delivered.add(p.toString()), lateErrors::incrementAndGet);

    @Test
    void anErrorReplyFailsTheSubscriptionWithItsCodeOnly() {
        replies.handle(ErrorType.create("NOPERM this user has no permissions to access one of the channels used as arguments"));
        assertThat(confirmed.future().failed()).isTrue();
        assertThat(confirmed.future().cause()).isInstanceOf(PubSub.Refused.class).hasMessage("NOPERM");
        assertThat(delivered).isEmpty();
        assertThat(lateErrors).hasValue(0);
    }

    @Test
    void anErrorWithoutACodeIsReportedAsErr() {
        replies.handle(ErrorType.create("something went wrong for user alice"));
        assertThat(confirmed.future().cause()).hasMessage("ERR");
    }

    @Test
    void nothingButAMessageOnTheChannelIsHandedOnAndNothingThrows() {
        for (Response r : List.of(SimpleStringType.create("OK"), NumberType.create(1), BooleanType.TRUE, bulk("message"),
                MultiType.EMPTY_MULTI, MultiType.EMPTY_MAP, push(bulk("message"), bulk(CHANNEL)),
                push(bulk("message"), bulk("other:channel"), bulk("x")), push(bulk("pmessage"), bulk(CHANNEL), bulk("x")),
                push(NumberType.create(1), NumberType.create(2), NumberType.create(3)), push(bulk("message"), bulk(CHANNEL), NumberType.create(3)),
                push(bulk("message"), null, bulk("x")), push(bulk("message"), bulk(CHANNEL), bulk("a"), bulk("b")))) {
            replies.handle(r);
        }
        replies.handle(null);
        assertThat(delivered).isEmpty();
        assertThat(confirmed.future().isComplete()).as("no confirmation among those").isFalse();

        replies.handle(multi(bulk("subscribe"), bulk(CHANNEL), NumberType.create(1))); // RESP2 shape
        assertThat(confirmed.future().succeeded()).isTrue();
        replies.handle(push(bulk("message"), bulk(CHANNEL), bulk("one")));
        replies.handle(multi(bulk("message"), bulk(CHANNEL), bulk("two")));
        assertThat(delivered).containsExactly("one", "two");
    }

    @Test
    void anErrorAfterTheConfirmationClosesTheConnection() {
        replies.handle(push(bulk("subscribe"), bulk(CHANNEL), NumberType.create(1)));
        replies.handle(ErrorType.create("NOPERM later"));
        assertThat(confirmed.future().succeeded()).isTrue();
        assertThat(lateErrors).hasValue(1);
    }

    static Response bulk(String s) {
        return BulkType.create(Buffer.buffer(s), false);
    }

    static Response push(Response... items) {
        PushType p = PushType.create(items.length);
        for (Response r : items) p.add(r);
        return p;
    }

    static Response multi(Response... items) {
        MultiType m = MultiType.create(items.length, false);
        for (Response r : items) m.add(r);
        return m;
    }
}
