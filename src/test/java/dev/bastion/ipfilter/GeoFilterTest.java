package dev.bastion.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.GeoConfig;
import dev.bastion.testing.MmdbWriter;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Country rules over a MaxMind DB that the test writes itself (MmdbWriter), read by MaxMind's reader as a
 * GeoLite2 file would be: IPv4 and IPv6 networks, a record with only a registered country, addresses the
 * database does not know, a database replaced while running, and a broken replacement.
 */
class GeoFilterTest {
    @TempDir
    Path dir;

    static Map<String, Object> country(String iso) {
        return Map.of("country", Map.of("iso_code", iso, "names", Map.of("en", iso)));
    }

    Path database(String kpRange) throws Exception {
        return new MmdbWriter("GeoLite2-Country")
                .insert("81.2.69.0/24", country("GB"))
                .insert(kpRange, country("KP"))
                .insert("2001:db8:1::/48", country("DE"))
                .insert("203.0.113.0/24", Map.of("registered_country", Map.of("iso_code", "JP")))
                .write(dir.resolve("countries.mmdb"));
    }

    static String code(AddressFilter.Refusal r) {
        return r == null ? "pass" : r.code();
    }

    @Test
    void countriesAreLookedUpForBothFamiliesAndTheRulesApply() throws Exception {
        Path db = database("175.45.176.0/22");
        GeoFilter deny = GeoFilter.open(new GeoConfig(db.toString(), List.of("KP"), null, null, null));
        assertThat(deny.country("81.2.69.160")).isEqualTo("GB");
        assertThat(deny.country("2001:db8:1::5")).isEqualTo("DE");
        assertThat(deny.country("203.0.113.9")).as("registered country when no country").isEqualTo("JP");
        assertThat(deny.country("10.0.0.1")).isNull();
        assertThat(code(deny.check("175.45.177.20"))).isEqualTo("country_denied");
        assertThat(code(deny.check("::ffff:175.45.177.20"))).isEqualTo("country_denied");
        assertThat(code(deny.check("81.2.69.160"))).isEqualTo("pass");
        assertThat(code(deny.check("10.0.0.1"))).as("unknown: allowed by default").isEqualTo("pass");

        GeoFilter allow = GeoFilter.open(new GeoConfig(db.toString(), null, List.of("GB", "DE"), GeoConfig.OnUnknown.DENY, null));
        assertThat(code(allow.check("81.2.69.1"))).isEqualTo("pass");
        assertThat(code(allow.check("2001:db8:1:ffff::1"))).isEqualTo("pass");
        assertThat(code(allow.check("203.0.113.9"))).isEqualTo("country_not_allowed");
        assertThat(code(allow.check("10.0.0.1"))).isEqualTo("country_unknown");
    }

    @Test
    void aReplacedDatabaseIsUsedAndABrokenOneIsNot() throws Exception {
        Path db = database("175.45.176.0/22");
        GeoFilter f = GeoFilter.open(new GeoConfig(db.toString(), List.of("KP"), null, null, null));
        assertThat(code(f.check("198.51.100.7"))).isEqualTo("pass");
        database("198.51.100.0/24"); // the weekly update moves a range
        Files.setLastModifiedTime(db, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(f.reloadIfChanged()).isTrue();
        assertThat(code(f.check("198.51.100.7"))).isEqualTo("country_denied");

        Files.writeString(db, "not a database");
        Files.setLastModifiedTime(db, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertThat(f.reloadIfChanged()).isFalse();
        assertThat(code(f.check("198.51.100.7"))).as("the database in force stays").isEqualTo("country_denied");
    }

    @Test
    void badConfigurationStopsTheStart() throws Exception {
        assertThatThrownBy(() -> new GeoConfig("/x.mmdb", List.of("kp"), null, null, null)).hasMessageContaining("deny[0]");
        assertThatThrownBy(() -> new GeoConfig("/x.mmdb", null, null, null, null)).hasMessageContaining("at least one country");
        Path junk = Files.writeString(dir.resolve("junk.mmdb"), "nope");
        assertThatThrownBy(() -> GeoFilter.open(new GeoConfig(junk.toString(), List.of("KP"), null, null, null)))
                .hasMessageContaining("cannot open as a MaxMind DB");
    }

    @Test
    void aDeniedCountryIsRefusedAtTheGatewayBeforeAnythingElse() throws Exception {
        Path db = database("175.45.176.0/22");
        String yaml = TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /v1/models }, upstream: app, auth: { methods: [api_key] } }
                """).replace("  public: { host: 127.0.0.1, port: 0 }", "  public: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1/32] }") + """
                waf:
                  ip_lists: { deny: [192.0.2.0/24] }
                  geo: { database: "%s", deny: [KP] }
                """.formatted(db);
        try (TestGateway gw = TestGateway.start(yaml)) {
            String key = gw.createKey("acme", "invoke");
            int before = gw.upstream.seen().size();
            HttpResponse<String> kp = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key)
                    .header("X-Forwarded-For", "175.45.177.20").GET().build());
            assertThat(kp.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(kp.body()).getJsonObject("error").getString("code")).isEqualTo("country_denied");
            HttpResponse<String> listed = gw.send(gw.request("/v1/models").header("X-Forwarded-For", "192.0.2.1").GET().build());
            assertThat(new JsonObject(listed.body()).getJsonObject("error").getString("code")).as("IP lists first").isEqualTo("ip_denied");
            assertThat(gw.upstream.seen()).hasSize(before);
            HttpResponse<String> gb = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key)
                    .header("X-Forwarded-For", "81.2.69.160").GET().build());
            assertThat(gb.statusCode()).isEqualTo(200);
        }
    }
}
