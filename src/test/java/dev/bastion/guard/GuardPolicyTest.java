package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.ConfigException;
import dev.bastion.config.GuardConfig;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.llm.PromptText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardPolicyTest {
    static GuardConfig config(GuardPolicy p) {
        return new GuardConfig(Map.of("default", p), null);
    }

    @Test
    void misspelledEntityTypesAndBadPatternsAreConfigErrorsWithTheirPath() {
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(Map.of("EMIAL", Action.BLOCK), null, null, null, null))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guard.policies.default.pii.EMIAL: unknown entity type");
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, Map.of("AWS_KEY", Action.FLAG), null, null, null))))
                .hasMessageContaining("secrets.AWS_KEY: unknown entity type");
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null,
                List.of(new GuardPolicy.CustomEntity("BACKREF", "(a)\\1", null)), null, null))))
                .hasMessageContaining("custom.BACKREF").hasMessageContaining("RE2");
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null, null, null, List.of("ZZ")))))
                .hasMessageContaining("ZZ");
    }

    @Test
    void anUnknownInjectionModelOrAMissingModelFileIsAConfigErrorWithItsPath() {
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null, null, new GuardPolicy.Injection(null, null, "bert", null, null), null))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guard.policies.default.injection.model: unknown model 'bert' (known: linear, embedding, phrases");
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null, null,
                new GuardPolicy.Injection(null, null, "/nonexistent/m.bin.gz", null, null), null))))
                .hasMessageContaining("injection.model: ").hasMessageContaining("m.bin.gz: no such file");
    }

    @Test
    void thirdPartyTextAndAnswersDefaultToFlagOnlyAtTheirOwnThreshold() {
        GuardPolicy.Injection d = GuardPolicy.DEFAULTS.injection();
        assertThat(d.model()).isEqualTo("linear");
        assertThat(d.actionFor(0.6)).isEqualTo(Action.FLAG);
        assertThat(d.actionFor(0.96)).isEqualTo(Action.BLOCK);
        assertThat(d.toolResults().actionFor(0.6)).isEqualTo(Action.ALLOW);
        assertThat(d.toolResults().actionFor(1.0)).as("never blocks by default").isEqualTo(Action.FLAG);
        assertThat(d.answers().actionFor(0.85)).isEqualTo(Action.FLAG);
        GuardPolicy.Injection own = new GuardPolicy.Injection(null, null, null, new GuardPolicy.Thresholds(0.6, null), null);
        assertThat(own.toolResults()).isEqualTo(new GuardPolicy.Thresholds(0.6, 1.01));
    }

    @Test
    void outputActionsAreCheckedAndInheritTheRequestSide() {
        GuardPolicy.Output typo = new GuardPolicy.Output(null, Map.of("EMIAL", Action.FLAG), null, null, null);
        assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null, null, null, null, null, null, null, null, null, typo, null))))
                .hasMessageContaining("guard.policies.default.output.pii.EMIAL");
        assertThatThrownBy(() -> new GuardPolicy.Output(null, Map.of("EMAIL", Action.PSEUDONYMIZE), null, null, null))
                .hasMessageContaining("output.pii.EMAIL: pseudonymize is a request-side action");
        assertThatThrownBy(() -> new GuardPolicy.Output(null, null, null, -1, null)).hasMessageContaining("output.stream_window");
        assertThat(GuardPolicy.Output.DEFAULTS.remoteImages()).as("remote images are redacted unless a policy says otherwise").isEqualTo(Action.REDACT);
        assertThat(GuardPolicy.Output.DEFAULTS.imageHosts()).isEmpty();
        assertThat(GuardPolicy.Output.DEFAULTS.scriptLinks()).isEqualTo(Action.REDACT);
        assertThatThrownBy(() -> new GuardPolicy.Output(null, null, null, null, null, null, null, Action.PSEUDONYMIZE, null))
                .hasMessageContaining("output.script_links: pseudonymize is a request-side action");
        assertThat(GuardPolicy.Output.DEFAULTS.remoteHtml()).as("HTML in answers is mostly code: flagged unless a policy says otherwise").isEqualTo(Action.FLAG);
        assertThatThrownBy(() -> new GuardPolicy.Output(null, null, null, null, null, null, null, null, Action.PSEUDONYMIZE))
                .hasMessageContaining("output.remote_html: pseudonymize is a request-side action");
        assertThatThrownBy(() -> new GuardPolicy.Output(null, null, null, null, null, Action.PSEUDONYMIZE, null))
                .hasMessageContaining("output.remote_images: pseudonymize is a request-side action");
        for (String bad : List.of("cdn.*.example.com", "https://cdn.example.com/")) {
            GuardPolicy.Output hosts = new GuardPolicy.Output(null, null, null, null, null, null, List.of(bad));
            assertThatThrownBy(() -> GuardsRuntime.build(config(new GuardPolicy(null, null, null, null, null, null, null, null, null, null, hosts, null))))
                    .hasMessageContaining("guard.policies.default.output.image_hosts").hasMessageContaining(bad);
        }
        GuardPolicy p = new GuardPolicy(Map.of("default", Action.PSEUDONYMIZE, "PHONE", Action.BLOCK), null,
                List.of(new GuardPolicy.CustomEntity("EMPLOYEE_ID", "EMP-[0-9]{6}", Action.FLAG)), null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, Map.of("PHONE", Action.FLAG), null, null, null), null);
        assertThat(p.outputActionFor("EMAIL", false)).as("pseudonymize means redact in answers").isEqualTo(Action.REDACT);
        assertThat(p.outputActionFor("PHONE", false)).isEqualTo(Action.FLAG);
        assertThat(p.outputActionFor("EMPLOYEE_ID", false)).isEqualTo(Action.FLAG);
        assertThat(p.outputActionFor("AWS_ACCESS_KEY", true)).isEqualTo(Action.BLOCK);
        assertThat(GuardsRuntime.build(config(p))).containsKey("default");
    }

    @Test
    void decisionIsTheStrongestActionAndRedactionKeepsEverythingElse() {
        Guard g = Guard.of(new GuardPolicy(Map.of("default", Action.REDACT, "IP_ADDRESS", Action.FLAG), null, null, null, null));
        PromptText.Segment seg = new PromptText.Segment("/x", "ping 10.0.0.1, mail a.b@example.com, again a.b@example.com");
        Inspection ins = g.inspect(List.of(seg));
        assertThat(ins.action()).isEqualTo(Action.REDACT);
        assertThat(ins.counts()).containsEntry("EMAIL", 2).containsEntry("IP_ADDRESS", 1);
        assertThat(Guard.rewrite(seg.text(), ins.in(seg), new Pseudonyms())).isEqualTo("ping 10.0.0.1, mail [EMAIL], again [EMAIL]");
    }

    @Test
    void pseudonymsAreConsistentWithinARequest() {
        Guard g = Guard.of(new GuardPolicy(Map.of("default", Action.PSEUDONYMIZE), null, null, null, null));
        PromptText.Segment seg = new PromptText.Segment("/x", "a@example.com met b@example.com, then a@example.com again");
        Pseudonyms names = new Pseudonyms();
        assertThat(Guard.rewrite(seg.text(), g.inspect(List.of(seg)).in(seg), names)).isEqualTo("[EMAIL_1] met [EMAIL_2], then [EMAIL_1] again");
        assertThat(names.original("[EMAIL_2]")).isEqualTo("b@example.com");
    }
}
