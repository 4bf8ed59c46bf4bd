package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Chain;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.RouteConfig;
import dev.bastion.observe.GatewayMetrics;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {name} segments (tenant binding, Z2) beside exact paths and prefixes: exact, then templates, then prefixes. */
class RouteTableTemplateTest {
    static final GatewayMetrics METRICS = new GatewayMetrics();

    static Route route(String id, String path) {
        LocalEndpoint endpoint = ex -> Future.succeededFuture(LocalEndpoint.answer(200, java.util.Map.of(), ""));
        return new Route(id, new RouteConfig.Match(List.of("GET"), path, null), Set.of("GET"), new Steps(new Chain(List.of()), id, METRICS),
                new Route.Local(endpoint), null, 0);
    }

    static final RouteTable TABLE = new RouteTable(List.of(route("exact", "/orgs/me"), route("org", "/orgs/{org}"),
            route("boards", "/orgs/{org}/boards/*"), route("board", "/orgs/{org}/boards/{board}"), route("prefix", "/orgs/*"),
            route("api", "/api/*")));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/orgs/me, exact",
            "/orgs/acme, org",
            "/orgs/acme/boards/7, board",
            "/orgs/acme/boards/7/cards, boards",
            "/orgs/acme/boards, boards",
            "/orgs/acme/other, prefix",
            "/orgs, prefix",
            "/api/x, api",
            "/nothing, ''"})
    void theMostSpecificRouteWins(String path, String expected) {
        RouteTable.Result r = TABLE.match("GET", "h", path);
        if (expected.isEmpty()) assertThat(r).isInstanceOf(RouteTable.NotFound.class);
        else assertThat(((RouteTable.Found) r).route().id()).isEqualTo(expected);
    }
}
