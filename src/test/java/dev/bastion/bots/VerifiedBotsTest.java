package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forward-confirmed reverse DNS against a DNS server of the test's own on UDP, asked through the same Vert.x
 * resolver and connector the gateway's outbound calls use.
 */
class VerifiedBotsTest {
    private PtrDns dns;
    private Vertx vertx;
    private VerifiedBots verifier;

    @BeforeEach
    void start() throws Exception {
        dns = new PtrDns();
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(dns.resolverOptions()));
        OutboundConnector connector = new OutboundConnector(vertx, EgressPolicy.of(List.of(), List.of()), (event, fields) -> {}, new SimpleMeterRegistry());
        verifier = new VerifiedBots(new VertxBotDns(vertx, connector), Clock.systemUTC(), Duration.ofHours(1));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        dns.close();
    }

    private boolean verify(String ua, String ip) throws Exception {
        return verifier.verify(VerifiedBots.claimed(ua), ip).await(10, TimeUnit.SECONDS);
    }

    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    @Test
    void aCrawlerWhosePtrIsInTheDomainAndResolvesBackIsVerified() throws Exception {
        dns.ptr("66.249.66.1", "crawl-66-249-66-1.googlebot.com");
        dns.a("crawl-66-249-66-1.googlebot.com", "66.249.66.1");
        assertThat(verify(GOOGLEBOT, "66.249.66.1")).isTrue();
        dns.ptr("157.55.39.1", "msnbot-157-55-39-1.search.msn.com");
        dns.a("msnbot-157-55-39-1.search.msn.com", "157.55.39.1");
        assertThat(verify("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "157.55.39.1")).isTrue();
    }

    @Test
    void aPtrTheAddressOwnerForgedIntoTheDomainDoesNotResolveBackAndIsRefused() throws Exception {
        // the owner of 203.0.113.7 can write any PTR; googlebot.com's own zone does not point back to it
        dns.ptr("203.0.113.7", "crawl-66-249-66-1.googlebot.com");
        dns.a("crawl-66-249-66-1.googlebot.com", "66.249.66.1");
        assertThat(verify(GOOGLEBOT, "203.0.113.7")).isFalse();
        assertThat(dns.queries("crawl-66-249-66-1.googlebot.com")).as("the forward lookup was asked").isPositive();
    }

    @Test
    void aNameThatOnlyEndsInTheDomainsLettersOrAnotherFamilysDomainIsRefused() throws Exception {
        dns.ptr("203.0.113.8", "crawl.evilgooglebot.com");
        dns.a("crawl.evilgooglebot.com", "203.0.113.8");
        assertThat(verify(GOOGLEBOT, "203.0.113.8")).as("not on a label boundary").isFalse();
        dns.ptr("203.0.113.9", "msnbot-1.search.msn.com");
        dns.a("msnbot-1.search.msn.com", "203.0.113.9");
        assertThat(verify(GOOGLEBOT, "203.0.113.9")).as("a Bing address claiming Googlebot").isFalse();
        assertThat(dns.queries("crawl.evilgooglebot.com")).as("no forward lookup for a name outside the domains").isZero();
    }

    @Test
    void noPtrOrNoDnsServerAnsweringIsUnverifiedNotAnError() throws Exception {
        assertThat(verify(GOOGLEBOT, "198.51.100.1")).isFalse();
        dns.close(); // nothing answers now: the lookup times out, and the check fails closed
        assertThat(verify(GOOGLEBOT, "198.51.100.2")).isFalse();
    }

    @Test
    void answersAreCachedPerAddress() throws Exception {
        dns.ptr("66.249.66.2", "crawl-66-249-66-2.googlebot.com");
        dns.a("crawl-66-249-66-2.googlebot.com", "66.249.66.2");
        assertThat(verify(GOOGLEBOT, "66.249.66.2")).isTrue();
        assertThat(verify(GOOGLEBOT, "66.249.66.2")).isTrue();
        assertThat(dns.queries("2.66.249.66.in-addr.arpa")).isEqualTo(1);
    }

    @Test
    void aLookupThatFailsIsFalseThroughTheInterfaceToo() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        BotDns broken = new BotDns() {
            @Override
            public Future<List<String>> reverse(String ip) {
                asked.incrementAndGet();
                return Future.failedFuture(new java.net.UnknownHostException("no answer"));
            }

            @Override
            public Future<List<String>> addresses(String name) {
                return Future.failedFuture(new java.net.UnknownHostException(name));
            }
        };
        VerifiedBots v = new VerifiedBots(broken, Clock.systemUTC(), Duration.ofHours(1));
        assertThat(v.verify(VerifiedBots.claimed(GOOGLEBOT), "66.249.66.3").await(5, TimeUnit.SECONDS)).isFalse();
        // asked again within the minute a failure is kept: the cached answer is "not verified", never a failed future
        assertThat(v.verify(VerifiedBots.claimed(GOOGLEBOT), "66.249.66.3").await(5, TimeUnit.SECONDS)).isFalse();
        assertThat(asked).hasValue(1);
    }

    @Test
    void onlyKnownCrawlerTokensClaimAFamily() {
        assertThat(VerifiedBots.claimed(GOOGLEBOT).name()).isEqualTo("google");
        assertThat(VerifiedBots.claimed("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36")).isNull();
        assertThat(VerifiedBots.claimed(null)).isNull();
    }
}
