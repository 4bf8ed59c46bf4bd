package dev.bastion.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.PathTemplate;
import dev.bastion.config.RouteConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The binding's decisions over the exchange builder, and the template and config it relies on. */
class TenantControlTest {
    static final Identity ACME = Identity.apiKey("key_1", "acme", Set.of("invoke"));

    record Event(String name, Map<String, Object> fields) {}

    static Verdict check(String matchPath, RouteConfig.Bind bind, Exchange ex, List<Event> events) {
        TenantControl c = new TenantControl("r", matchPath, List.of(bind), null, (n, f) -> events.add(new Event(n, Map.copyOf(f))), new SimpleMeterRegistry());
        return c.check(ex).result();
    }

    static Exchange get(String path, String query, Identity id) {
        return Exchange.builder().requestId("req-1").clientIp("127.0.0.1").method(HttpMethod.GET).path(path).rawPath(path).rawQuery(query)
                .host("h").identity(id).build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "own org | workspace=acme | 0",
            "another org | workspace=globex | 1",
            "twice, same value | workspace=acme&workspace=acme | 1",
            "case variant of the name | workspace=acme&WORKSPACE=acme | 1",
            "undecodable value | workspace=%zz | 1",
            "undecodable name beside: a lenient decoder might read it as the name | workspace=acme&%zz=1 | 1",
            "plus is a space | workspace=ac+me | 1",
            "encoded own org | workspace=%61cme | 0",
            "missing | q=1 | 1",
            "no value | workspace | 1"})
    void queryBindings(String label, String query, int refusals) {
        List<Event> events = new ArrayList<>();
        Verdict v = check("/search", new RouteConfig.Bind(null, "workspace", null, null, "org", null), get("/search", query, ACME), events);
        assertThat(events).hasSize(refusals);
        assertThat(v).isEqualTo(refusals == 0 ? Verdict.ALLOW : Verdict.Deny.NO_ROUTE);
    }

    @Test
    void anOptionalQueryBindingAllowsAbsenceButNotAnotherOrg() {
        RouteConfig.Bind optional = new RouteConfig.Bind(null, "workspace", null, null, "org", false);
        assertThat(check("/s", optional, get("/s", "q=1", ACME), new ArrayList<>())).isEqualTo(Verdict.ALLOW);
        assertThat(check("/s", optional, get("/s", "workspace=globex", ACME), new ArrayList<>())).isEqualTo(Verdict.Deny.NO_ROUTE);
    }

    @Test
    void theRefusalIsTheRoutersNotFoundAndTheEventCarriesNoValues() {
        List<Event> events = new ArrayList<>();
        Verdict v = check("/orgs/{org}/boards/*", new RouteConfig.Bind("org", null, null, null, "org", null), get("/orgs/secret-org/boards/1", null, ACME), events);
        assertThat(v).isEqualTo(new Verdict.Deny(404, "route_not_found", "No route matches this request."));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("tenant.cross_attempt");
            assertThat(e.fields()).containsEntry("org", "acme").containsEntry("principal", "key_1").containsEntry("route", "r")
                    .containsEntry("binding", "path:org").containsEntry("reason", "tenant_mismatch");
            assertThat(e.fields().toString()).doesNotContain("secret-org");
        });
    }

    @Test
    void aUserBindingNeverMatchesACallerWithoutAUser() {
        RouteConfig.Bind user = new RouteConfig.Bind("user", null, null, null, "user", null);
        assertThat(check("/users/{user}", user, get("/users/null", null, ACME), new ArrayList<>())).isEqualTo(Verdict.Deny.NO_ROUTE);
        Identity ann = new Identity("ann", "acme", Set.of(), Set.of(), "jwt", null, "main", "usr_1", null, null);
        assertThat(check("/users/{user}", user, get("/users/usr_1", null, ann), new ArrayList<>())).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void noIdentityIsNeverAnAllow() {
        Verdict v = check("/orgs/{org}", new RouteConfig.Bind("org", null, null, null, "org", null), get("/orgs/acme", null, null), new ArrayList<>());
        assertThat(v).isInstanceOf(Verdict.Deny.class).extracting(d -> ((Verdict.Deny) d).status()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "/orgs/{org}/boards/* | /orgs/acme/boards/1 | acme",
            "/orgs/{org}/boards/* | /orgs/acme/boards | acme",
            "/orgs/{org}/boards/* | /orgs/acme/boards/ | acme",
            "/orgs/{org}/boards/* | /orgs/acme | ",
            "/orgs/{org}/boards/* | /orgs//boards/1 | ",
            "/orgs/{org}/boards/* | /orgs/acme/cards/1 | ",
            "/orgs/{org} | /orgs/acme | acme",
            "/orgs/{org} | /orgs/acme/x | ",
            "/orgs/{org} | /orgsx/acme | ",
            "/{org} | /acme | acme",
            "/orgs/{org} | /orgs/globex;x=acme | globex",
            "/orgs/{org}/boards/* | /orgs;v=1/acme;x=1/boards;y/1 | acme"})
    void templatesMatchOneSegmentPerName(String template, String path, String org) {
        PathTemplate t = PathTemplate.parse(template);
        assertThat(t.value(path, "org")).isEqualTo(org);
        assertThat(t.matches(path)).isEqualTo(org != null);
    }

    @Test
    void brokenConfigIsRefusedAtLoad() {
        assertThatThrownBy(() -> PathTemplate.parse("/orgs/{org}/x/{org}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PathTemplate.parse("/orgs/x{org}")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> new RouteConfig.Bind("org", "org", null, null, "org", null)).hasMessageContaining("exactly one");
        assertThat(new RouteConfig.Bind("org", null, null, null, "claim:workspaces", null).to()).isEqualTo("claim:workspaces");
        assertThatThrownBy(() -> new RouteConfig.Bind("org", null, null, null, "claim:", null)).hasMessageContaining("claim:NAME");
        assertThatThrownBy(() -> new RouteConfig.Bind("org", null, null, null, "claim:a/b", null)).hasMessageContaining("claim:NAME");
        assertThatThrownBy(() -> new RouteConfig.Bind("org", null, null, null, "tenant", null)).hasMessageContaining("org, user or claim:NAME");
        assertThatThrownBy(() -> new RouteConfig.Bind(null, null, "org_id", null, "org", null)).hasMessageContaining("JSON pointer");
        assertThatThrownBy(() -> new RouteConfig.Bind("org", null, null, null, "org", false)).hasMessageContaining("required");
        assertThatThrownBy(() -> new TenantControl("r", "/orgs/{id}", List.of(new RouteConfig.Bind("org", null, null, null, "org", null)), null,
                (n, f) -> {}, new SimpleMeterRegistry())).hasMessageContaining("not a segment");
    }
}
