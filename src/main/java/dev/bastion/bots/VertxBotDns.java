package dev.bastion.bots;

import dev.bastion.egress.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import java.util.List;

/**
 * The verified-bot DNS questions asked of the resolver every outbound call uses: the PTR query goes to the first
 * DNS server of the Vert.x address resolver (the one {@code OutboundConnector} resolves through), the forward
 * lookup through the connector itself (hosts file, then those servers). Both are asynchronous: the event loop
 * never waits for DNS.
 */
public final class VertxBotDns implements BotDns {
    private final DnsClient client;
    private final OutboundConnector connector;

    public VertxBotDns(Vertx vertx, OutboundConnector connector) {
        this.client = vertx.createDnsClient(new DnsClientOptions().setQueryTimeout(3000).setRecursionDesired(true));
        this.connector = connector;
    }

    @Override
    public Future<List<String>> reverse(String ip) {
        return client.reverseLookup(ip).map(name -> name == null ? List.of() : List.of(name));
    }

    @Override
    public Future<List<String>> addresses(String name) {
        return connector.addresses(name);
    }
}
