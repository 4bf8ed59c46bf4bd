package dev.bastion.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.BreakerConfig;
import dev.bastion.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a breaker takes another instance's changes (the Redis channel's messages, without Redis): it opens
 * and closes, never announces a change it did not make itself (so no message can cause another), never
 * lets a stale or unknown message through, and caps an announced wait to its own {@code open_for}.
 */
class DeploymentHealthPeersTest {
    static final String ID = "primary/mock-gpt-small";
    final List<String> announced = new CopyOnWriteArrayList<>();
    final List<String> joined = new CopyOnWriteArrayList<>();
    DeploymentHealthRegistry registry;

    @BeforeEach
    void setUp() {
        registry = registry(Duration.ofSeconds(30));
    }

    DeploymentHealthRegistry registry(Duration openFor) {
        DeploymentHealthRegistry r = new DeploymentHealthRegistry(new BreakerConfig(50, 2, 2, openFor, 1), null);
        r.share(new DeploymentHealthRegistry.Peers() {
            @Override
            public void opened(String id, long openForMillis) {
                announced.add("open " + id + " " + openForMillis);
            }

            @Override
            public void closed(String id) {
                announced.add("closed " + id);
            }

            @Override
            public void joined(String id) {
                joined.add(id);
            }
        });
        return r;
    }

    static void fail(DeploymentHealth h, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(h.start()).isTrue();
            h.end(DeploymentHealth.Result.FAILURE, 1_000_000);
            h.leave();
        }
    }

    @Test
    void aBreakerNewHereAsksThePeersOnceWhetherTheyHaveItOpen() {
        registry.of(ID);
        registry.of(ID);
        assertThat(joined).containsExactly(ID);
    }

    @Test
    void itsOwnOpeningAndClosingAreAnnounced() {
        DeploymentHealth h = registry.of(ID);
        fail(h, 2);
        assertThat(h.state()).isEqualTo("open");
        assertThat(h.openedBy()).isEqualTo(DeploymentHealth.Origin.LOCAL);
        assertThat(h.localOpens()).isEqualTo(1);
        assertThat(announced).containsExactly("open " + ID + " 30000");
        assertThat(h.remainingLocalOpenMillis()).isPositive().isLessThanOrEqualTo(30_000);

        h.breaker().transitionToHalfOpenState();
        assertThat(h.start()).isTrue();
        h.end(DeploymentHealth.Result.SUCCESS, 1_000_000);
        assertThat(h.state()).isEqualTo("closed");
        assertThat(announced).containsExactly("open " + ID + " 30000", "closed " + ID);
    }

    @Test
    void aPeersOpeningOpensItHereWithoutAnnouncingItAgain() {
        DeploymentHealth h = registry.of(ID);
        registry.openedElsewhere(ID, 20_000);
        assertThat(h.state()).isEqualTo("open");
        assertThat(h.available()).isFalse();
        assertThat(h.start()).isFalse();
        assertThat(h.openedBy()).isEqualTo(DeploymentHealth.Origin.PEER);
        assertThat(h.peerOpens()).isEqualTo(1);
        assertThat(h.remainingLocalOpenMillis()).as("not this instance's to announce on reconnect").isZero();
        assertThat(announced).isEmpty();

        registry.closedElsewhere(ID);
        assertThat(h.state()).isEqualTo("closed");
        assertThat(h.start()).isTrue();
        assertThat(announced).as("a peer's close is not announced again either").isEmpty();
    }

    @Test
    void aPeersOpeningDuringALocalProbeStopsItQuietly() {
        DeploymentHealth h = registry.of(ID);
        fail(h, 2);
        h.breaker().transitionToHalfOpenState();
        assertThat(h.start()).as("the probe").isTrue();
        registry.openedElsewhere(ID, 20_000);
        assertThat(h.state()).isEqualTo("open");
        // The probe's answer arrives after: it neither reopens (announcing) nor closes the breaker.
        h.end(DeploymentHealth.Result.FAILURE, 1_000_000);
        h.leave();
        assertThat(h.state()).isEqualTo("open");
        assertThat(announced).containsExactly("open " + ID + " 30000");
    }

    @Test
    void aMessageWhoseWaitIsOverOrAboutAnUnknownDeploymentChangesNothing() {
        DeploymentHealth h = registry.of(ID);
        registry.openedElsewhere(ID, 0);
        registry.openedElsewhere(ID, -5);
        assertThat(h.state()).isEqualTo("closed");
        registry.openedElsewhere("other/model", 20_000);
        registry.closedElsewhere("other/model");
        assertThat(registry.knows("other/model")).isFalse();
        assertThat(registry.all()).hasSize(1);
    }

    @Test
    void aPeersOpenWaitIsCappedToThisInstancesOpenFor() throws Exception {
        DeploymentHealthRegistry r = registry(Duration.ofMillis(300));
        DeploymentHealth h = r.of(ID);
        r.openedElsewhere(ID, 86_400_000); // "open for a day"
        assertThat(h.state()).isEqualTo("open");
        Eventually.until("the breaker half-opens after open_for and its grace, not a day", () -> h.state().equals("half_open"));
        assertThat(h.start()).as("it probes by itself").isTrue();
        h.end(DeploymentHealth.Result.SUCCESS, 1_000_000);
        assertThat(h.state()).isEqualTo("closed");
        assertThat(announced).as("its own probe closed it: the others are told").containsExactly("closed " + ID);
    }

    @Test
    void aLocallyOpenBreakerIsNeitherShortenedNorTakenOverByAPeer() {
        DeploymentHealth h = registry.of(ID);
        fail(h, 2);
        long before = h.remainingLocalOpenMillis();
        registry.openedElsewhere(ID, 1);
        assertThat(h.openedBy()).isEqualTo(DeploymentHealth.Origin.LOCAL);
        assertThat(h.remainingLocalOpenMillis()).isGreaterThan(before - 5_000);
        assertThat(h.peerOpens()).isZero();
        assertThat(announced).hasSize(1);
    }
}
