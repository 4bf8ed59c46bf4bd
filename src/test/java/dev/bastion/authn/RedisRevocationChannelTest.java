package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.state.PubSub;
import dev.bastion.store.Revocation;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation subscription against a real Redis that is killed and started again several times: afterwards there is still exactly one subscription (each revocation arrives once),
 * no connection is left behind, and each outage is logged once with its recovery — not once per retry. A subscription
 * Redis refuses (an ACL without the channel) is an outage too: logged once, retried, and subscribed once the ACL allows it.
 */
class RedisRevocationChannelTest {
    static final String LOGGER = RedisRevocationChannel.class.getName();
    /** Long enough for at least two of the channel's one-second retries. */
    static final long OUTAGE_MILLIS = 2_500;

    RedisProcess redis;
    Vertx vertx;
    RedisRevocationChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) channel.close();
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (redis != null) redis.close();
    }

    @Test
    void afterRestartsOneSubscriptionRemainsNoConnectionLeaksAndEachOutageIsLoggedOnce() throws Exception {
        redis = RedisProcess.start(false);
        Redis client = client();
        List<String> received = new CopyOnWriteArrayList<>();
        try (LogCapture logs = LogCapture.capture()) {
            channel = new RedisRevocationChannel(vertx, client, r -> received.add(r.id()));
            channel.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            deliveredOnce("rev-start", received);
            long baseline = clients();

            // Killed and started again (empty), several times: each drop must leave one retry loop, one connection.
            for (int i = 0; i < 3; i++) {
                redis.kill();
                Thread.sleep(OUTAGE_MILLIS);
                redis.restart();
                deliveredOnce("rev-after-restart-" + i, received);
                assertThat(clients()).as("connections after restart %d", i).isEqualTo(baseline);
            }
            assertThat(received).containsExactly("rev-start", "rev-after-restart-0", "rev-after-restart-1",
                    "rev-after-restart-2");

            List<String> mine = logs.lines().stream().filter(l -> l.startsWith(LOGGER + " ")).toList();
            assertThat(mine.stream().filter(l -> l.contains("Redis unreachable"))).as("one warning per outage: %s", mine).hasSize(3);
            assertThat(mine.stream().filter(l -> l.contains("Redis answers again"))).as("one recovery per outage: %s", mine).hasSize(3);
        }
    }

    @Test
    void aRefusedSubscriptionIsLoggedOnceAndRetriedUntilAnAclAllowsIt() throws Exception {
        redis = RedisProcess.start(false);
        redis.denyChannels();
        Redis client = client();
        List<String> received = new CopyOnWriteArrayList<>();
        try (LogCapture logs = LogCapture.capture()) {
            channel = new RedisRevocationChannel(vertx, client, r -> received.add(r.id()));
            assertThatThrownBy(() -> channel.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .as("start() fails while refused").hasCauseInstanceOf(PubSub.Refused.class).cause().hasMessage("NOPERM");
            Thread.sleep(OUTAGE_MILLIS); // at least two retries, each refused
            assertThat(redis.publishAsPublisher(RedisRevocationChannel.CHANNEL, revocation("rev-refused")))
                    .as("no subscriber receives it").isEqualTo("0");
            assertThat(clients()).as("each refused connection is closed").isLessThanOrEqualTo(1);

            redis.allowChannels();
            deliveredOnce("rev-after-acl", received);
            assertThat(received).containsExactly("rev-after-acl");

            List<String> mine = logs.lines().stream().filter(l -> l.startsWith(LOGGER + " ")).toList();
            assertThat(mine.stream().filter(l -> l.contains("Redis refused SUBSCRIBE (NOPERM)"))).as("one warning for the refusal: %s", mine).hasSize(1);
            assertThat(mine.stream().filter(l -> l.contains("Redis unreachable"))).as(mine.toString()).isEmpty();
            assertThat(mine.stream().filter(l -> l.contains("Redis answers again; subscribed"))).as("one recovery, once accepted: %s", mine).hasSize(1);
            assertThat(logs.all()).as("no handler threw").doesNotContain("UnsupportedOperationException").doesNotContainIgnoringCase("unhandled exception");
            assertThat(logs.errors()).isEmpty();
        }
    }

    /** A client on a new {@link #vertx}. */
    Redis client() {
        vertx = Vertx.vertx();
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000)));
    }

    static String revocation(String id) {
        return new JsonObject().put("id", id).put("kind", Revocation.Kind.KEY.wire()).put("subject", "key_" + id)
                .put("org", "acme").put("created", System.currentTimeMillis()).put("expires", null).encode();
    }

    /** Waits until subscribed, publishes one revocation and checks that exactly one subscriber got it, once. */
    void deliveredOnce(String id, List<String> received) throws Exception {
        Eventually.until("subscribed before " + id, () -> subscribers() > 0);
        assertThat(redis.command("PUBLISH", RedisRevocationChannel.CHANNEL, revocation(id))).as("subscriptions receiving %s", id).isEqualTo("1");
        Eventually.until(id + " received", () -> received.contains(id));
        assertThat(received.stream().filter(id::equals)).as("%s applied once", id).hasSize(1);
    }

    long subscribers() throws Exception {
        return Long.parseLong(redis.command("PUBSUB", "NUMSUB", RedisRevocationChannel.CHANNEL).split("\n")[1]);
    }

    /** Client connections Redis has open, besides the one asking. */
    long clients() throws Exception {
        return Long.parseLong(redis.command("INFO", "clients").replaceAll("(?s).*connected_clients:(\\d+).*", "$1")) - 1;
    }
}
