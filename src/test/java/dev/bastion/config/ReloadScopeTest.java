package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which changes a reload may apply, and the YAML paths of those only a restart can. */
class ReloadScopeTest {
    private static final String BASE = """
            listeners:
              public: { port: 8080 }
            upstreams:
              app: { url: "https://app.example" }
            routes:
              - id: a
                match: { methods: [GET], path: /a }
                upstream: app
                public: true
            """;

    private static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "bastion.yaml");
    }

    @Test
    void routesUpstreamsAndModelsAreLive() {
        BastionConfig changed = parse(BASE.replace("https://app.example", "https://other.example").replace("path: /a", "path: /b"));
        assertThat(ReloadScope.restartOnly(parse(BASE), changed)).isEmpty();
    }

    @Test
    void aListenerChangeIsNamedByItsYamlPathUnderItsYamlName() {
        BastionConfig changed = parse(BASE.replace("port: 8080", "port: 8081, drain_timeout: 5s"));
        assertThat(ReloadScope.restartOnly(parse(BASE), changed)).containsExactly("listeners.public.port", "listeners.public.drain_timeout");
    }

    @Test
    void aSectionAddedWholeIsNamedBySection() {
        BastionConfig changed = parse(BASE + "redis: { url: \"redis://127.0.0.1:6379\" }\n");
        assertThat(ReloadScope.restartOnly(parse(BASE), changed)).containsExactly("redis");
    }

    @Test
    void theSameFileChangesNothing() throws Exception {
        assertThat(ReloadScope.restartOnly(parse(BASE), parse(BASE))).isEmpty();
        // The shipped example sets most sections: each must compare by value, or every reload would be refused.
        java.nio.file.Path example = java.nio.file.Path.of("examples/bastion.yaml");
        assertThat(ReloadScope.restartOnly(new ConfigLoader().load(example), new ConfigLoader().load(example))).isEmpty();
    }
}
