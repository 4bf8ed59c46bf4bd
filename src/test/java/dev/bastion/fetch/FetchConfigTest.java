package dev.bastion.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.RouteConfig;
import dev.bastion.egress.DomainPattern;
import org.junit.jupiter.api.Test;

/** A fetch route's settings: typed, defaulted to the narrow choice, and refused at load when they cannot work. */
class FetchConfigTest {
    private static final String BASE = """
            store: { url: "sqlite::memory:" }
            upstreams:
              app: { url: "http://10.0.0.5" }
            routes:
              - id: preview
                match: { methods: [GET], path: /v1/preview }
                auth: { methods: [api_key] }
            """;

    private static BastionConfig parse(String fetch) {
        return new ConfigLoader().parse(BASE + "    " + fetch + "\n", "t.yaml");
    }

    @Test
    void defaultsAreHttpsOnlyOnTheStandardPortWithSmallWebTypes() {
        RouteConfig r = parse("fetch: {}").routes().getFirst();
        assertThat(r.fetch().schemes()).containsExactly("https");
        assertThat(r.fetch().ports()).containsExactly(443);
        assertThat(r.fetch().maxBytes().bytes()).isEqualTo(2L << 20);
        assertThat(r.fetch().contentTypes()).contains("text/html", "image/png").doesNotContain("application/pdf");
        assertThat(r.fetch().maxRedirects()).isEqualTo(3);
        assertThat(r.fetch().allowPrivate()).isEmpty();
        assertThat(r.routesByModel()).isFalse();
        assertThat(r.waf().exclusions()).anySatisfy(e -> assertThat(e.target()).isEqualTo("args:url"));
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> parse("fetch: { schemes: [file] }")).isInstanceOf(ConfigException.class).hasMessageContaining("schemes");
        assertThatThrownBy(() -> parse("fetch: { domains: [\"a.*.com\"] }")).isInstanceOf(ConfigException.class).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> parse("fetch: { allow_private: [10.0.0.0/33] }")).isInstanceOf(ConfigException.class).hasMessageContaining("allow_private");
        assertThatThrownBy(() -> parse("fetch: { max_redirects: 11 }")).isInstanceOf(ConfigException.class).hasMessageContaining("max_redirects");
        assertThatThrownBy(() -> parse("fetch: { timeout: 2m }")).isInstanceOf(ConfigException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> parse("fetch: { content_types: [pdf] }")).isInstanceOf(ConfigException.class).hasMessageContaining("content_types");
        assertThatThrownBy(() -> parse("upstream: app\n    fetch: {}")).isInstanceOf(ConfigException.class).hasMessageContaining("no upstream");
    }

    @Test
    void domainPatternsCompareCanonicalNames() {
        DomainPattern wild = DomainPattern.parse("*.Example.COM.");
        assertThat(wild.matches("docs.example.com")).isTrue();
        assertThat(wild.matches("a.b.example.com")).isTrue();
        assertThat(wild.matches("example.com")).isFalse();
        assertThat(wild.matches("evilexample.com")).isFalse();
        assertThat(wild.matches("example.com.evil.net")).isFalse();
        assertThat(DomainPattern.parse("bücher.example").matches(DomainPattern.canonical("xn--bcher-kva.example"))).isTrue();
        assertThat(DomainPattern.parse("api.example.com").matches(DomainPattern.canonical("API.example.com."))).isTrue();
        assertThat(DomainPattern.parse("*").matches("anything.example")).isTrue();
        assertThat(wild.matches("1.2.example.com")).isTrue();
        assertThat(DomainPattern.parse("*.0.1").matches("127.0.0.1")).as("an IP literal is no subdomain").isFalse();
        assertThatThrownBy(() -> DomainPattern.parse("a.*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DomainPattern.parse("exa mple.com")).isInstanceOf(IllegalArgumentException.class);
    }
}
