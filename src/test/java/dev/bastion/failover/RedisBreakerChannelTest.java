package dev.bastion.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.BreakerConfig;
import dev.bastion.state.PubSub;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The breaker channel against a real Redis whose ACL refuses the channel: the refusal is logged once (its
 * code only), nothing arrives, the channel keeps trying, and once the ACL allows the channel it subscribes
 * (logged once) and a peer's opening arrives, once.
 */
class RedisBreakerChannelTest {
    static final String LOGGER = RedisBreakerChannel.class.getName();
    static final String ID = "primary/mock-gpt-small";

    RedisProcess redis;
    Vertx vertx;
    RedisBreakerChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) channel.close();
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (redis != null) redis.close();
    }

    @Test
    void aRefusedSubscriptionIsLoggedOnceAndRetriedUntilAnAclAllowsIt() throws Exception {
        redis = RedisProcess.start(false);
        redis.denyChannels();
        vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000)));
        DeploymentHealthRegistry registry = new DeploymentHealthRegistry(new BreakerConfig(50, 2, 2, Duration.ofSeconds(30), 1), null);
        try (LogCapture logs = LogCapture.capture()) {
            channel = new RedisBreakerChannel(vertx, client, registry);
            registry.share(channel);
            DeploymentHealth h = registry.of(ID);
            assertThatThrownBy(() -> channel.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .as("start() fails while refused").hasCauseInstanceOf(PubSub.Refused.class).cause().hasMessage("NOPERM");
            Thread.sleep(2_500); // at least two retries, each refused
            assertThat(redis.publishAsPublisher(RedisBreakerChannel.CHANNEL, opened()))
                    .as("no subscriber receives it").isEqualTo("0");
            assertThat(h.state()).isEqualTo("closed");

            redis.allowChannels();
            Eventually.until("subscribed once the ACL allows it", () -> subscribers() > 0);
            assertThat(redis.command("PUBLISH", RedisBreakerChannel.CHANNEL, opened())).as("one subscription receives it").isEqualTo("1");
            Eventually.until("the peer's opening arrives", () -> h.state().equals("open"));
            assertThat(h.openedBy()).isEqualTo(DeploymentHealth.Origin.PEER);
            assertThat(h.peerOpens()).isEqualTo(1);

            List<String> mine = logs.lines().stream().filter(l -> l.startsWith(LOGGER + " ")).toList();
            assertThat(mine.stream().filter(l -> l.contains("Redis refused SUBSCRIBE (NOPERM)"))).as("one warning for the refusal: %s", mine).hasSize(1);
            assertThat(mine.stream().filter(l -> l.contains("Redis unreachable"))).as(mine.toString()).isEmpty();
            assertThat(mine.stream().filter(l -> l.contains("Redis answers again"))).as("one recovery, once accepted: %s", mine).hasSize(1);
            assertThat(logs.all()).as("no handler threw").doesNotContain("UnsupportedOperationException").doesNotContainIgnoringCase("unhandled exception");
            assertThat(logs.errors()).isEmpty();
        }
    }

    static String opened() {
        return new JsonObject().put("deployment", ID).put("state", "open").put("open_for_ms", 20_000).put("node", "another-node").encode();
    }

    long subscribers() throws Exception {
        return Long.parseLong(redis.command("PUBSUB", "NUMSUB", RedisBreakerChannel.CHANNEL).split("\n")[1]);
    }
}
