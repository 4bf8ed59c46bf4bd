package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.BotsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The step over the Exchange builder: who is never scored, what a block records, where the page sends the browser. */
class BotControlTest {
    private final List<Map.Entry<String, Map<String, ?>>> audited = new ArrayList<>();
    private final BotDns noDns = new BotDns() {
        @Override public Future<List<String>> reverse(String ip) { return Future.failedFuture("no DNS in this test"); }
        @Override public Future<List<String>> addresses(String name) { return Future.failedFuture("no DNS in this test"); }
    };
    private final BotsRuntime runtime = new BotsRuntime(BotsConfig.DEFAULTS, ChallengeTokens.generated(Clock.systemUTC(), BotsConfig.DEFAULTS.challengeTtl()),
            noDns, null, (event, fields) -> audited.add(Map.entry(event, fields)), new SimpleMeterRegistry(), Clock.systemUTC());
    private final BotControl block = new BotControl(runtime, "r", BotsConfig.Mode.BLOCK, 50);

    private static Exchange python(Identity id) {
        return Exchange.builder().clientIp("203.0.113.5").header("User-Agent", "python-requests/2.32.3").identity(id).build();
    }

    private Verdict check(Exchange ex) throws Exception {
        return block.check(ex).await(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void machinesThatAuthenticatedAreNeverScored() throws Exception {
        Identity apiKey = Identity.apiKey("key_1", "org_a", Set.of("invoke"));
        Identity clientCredentials = new Identity("cli_1", "org_a", Set.of(), Set.of(), "bastion_token", null, "bastion", null, "cli_1", "jti");
        assertThat(check(python(apiKey))).isEqualTo(Verdict.ALLOW);
        assertThat(check(python(clientCredentials))).isEqualTo(Verdict.ALLOW);
        assertThat(audited).isEmpty();
    }

    @Test
    void aPersonsTokenIsScoredLikeAnyoneElse() throws Exception {
        Identity user = new Identity("u", "org_a", Set.of(), Set.of(), "bastion_token", null, "bastion", "usr_1", null, "jti");
        Identity jwt = new Identity("idp|1", "org_a", Set.of(), Set.of(), "jwt", null, "clerk", "usr_2", null, null);
        assertThat(check(python(user))).isInstanceOfSatisfying(Verdict.Deny.class, d -> assertThat(d.reason()).isEqualTo("bot_blocked"));
        assertThat(check(python(jwt))).isInstanceOf(Verdict.Deny.class);
        assertThat(check(python(null))).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void aBlockIsAuditedWithSignalNamesAndNoHeaderContent() throws Exception {
        Exchange ex = python(null);
        check(ex);
        assertThat(audited).hasSize(1);
        assertThat(audited.getFirst().getKey()).isEqualTo("bot.block");
        Map<String, Object> fields = new java.util.HashMap<>(audited.getFirst().getValue());
        assertThat(fields).containsEntry("signals", List.of("ua_automation")).containsEntry("score", 60)
                .containsEntry("ip", "203.0.113.5").containsEntry("route", "r");
        assertThat(audited.getFirst().getValue().toString()).doesNotContain("python");
        assertThat(ex.logFields().get("bot").toString()).doesNotContain("python");
    }

    @Test
    void aClaimedCrawlerWhoseDnsFailsIsSpoofedNotAFault() throws Exception {
        Exchange ex = Exchange.builder().clientIp("66.249.66.1").header("User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)").build();
        assertThat(check(ex)).isInstanceOf(Verdict.Deny.class);
        assertThat(ex.logFields().get("bot").toString()).contains("bot_spoofed");
    }

    @Test
    void theChallengePageSendsTheBrowserBackToItsOwnPathNeverToAnotherHost() {
        assertThat(BotControl.back(Exchange.builder().rawPath("/app/x").rawQuery("a=1&b=<2>").build())).isEqualTo("/app/x?a=1&amp;b=&lt;2&gt;");
        assertThat(BotControl.back(Exchange.builder().rawPath("//evil.example/x").build())).isEqualTo("/evil.example/x");
        assertThat(BotControl.back(Exchange.builder().rawPath("/\\evil.example").build())).as("browsers read /\\ as //: back to the root").isEqualTo("/");
        assertThat(BotControl.back(Exchange.builder().rawPath("/x\"onload=\"y").build())).isEqualTo("/x&quot;onload=&quot;y");
    }
}
