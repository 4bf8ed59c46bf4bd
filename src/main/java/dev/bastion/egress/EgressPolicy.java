package dev.bastion.egress;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.IssuerConfig;
import dev.bastion.net.Cidr;
import dev.bastion.net.IpTrie;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which addresses an outbound connection may reach (S1). An address is allowed when it is
 * {@link AddressClass#PUBLIC}, when it lies in an {@code egress.allow_private} range, or when the destination
 * is a host the config names (an upstream at 10.0.0.5 is normal) — except cloud metadata, which only an
 * {@code allow_private} range opens: a configured name whose DNS turns to 169.254.169.254 is refused.
 */
public final class EgressPolicy implements OutboundConnector.AddressGate {
    private final Set<String> configuredHosts;
    private final IpTrie allowPrivate = new IpTrie();

    private EgressPolicy(Collection<String> configuredHosts, Collection<Cidr> allowPrivate) {
        Set<String> hosts = new HashSet<>();
        for (String h : configuredHosts) hosts.add(Destination.canonicalHost(h));
        this.configuredHosts = Set.copyOf(hosts);
        allowPrivate.forEach(this.allowPrivate::add);
    }

    /** Hosts named by {@code configuredHosts} may be private; {@code allowPrivate} ranges are open to every call. */
    public static EgressPolicy of(Collection<String> configuredHosts, Collection<Cidr> allowPrivate) {
        return new EgressPolicy(configuredHosts, allowPrivate);
    }

    /** The config's hosts: upstreams, issuers and their JWKS URLs, classifiers, the Vault, Secrets Manager and KMS endpoints, the trace collector; and {@code egress.allow_private}. */
    public static EgressPolicy from(BastionConfig config) {
        Set<String> hosts = new HashSet<>();
        config.upstreams().values().forEach(u -> hosts.add(Destination.of(u.url()).host()));
        for (IssuerConfig issuer : config.identity().issuers()) {
            // with a jwks_uri the issuer is only a name (no URL needed); without one, discovery fetches from the issuer
            URI fetched = issuer.jwksUri() != null ? issuer.jwksUri() : URI.create(issuer.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration");
            hosts.add(Destination.of(fetched).host());
        }
        config.guard().policies().values().forEach(p -> {
            if (p.classifier() != null) hosts.add(Destination.of(p.classifier().url()).host());
        });
        // The secret stores the config names: a Vault server and a Secrets Manager endpoint are often private.
        if (config.secrets().vault() != null) hosts.add(Destination.of(config.secrets().vault().address()).host());
        if (config.secrets().aws() != null && config.secrets().aws().endpoint() != null) hosts.add(Destination.of(config.secrets().aws().endpoint()).host());
        // ... and so is a KMS endpoint for data keys (a VPC endpoint, docs/data-protection.md).
        if (config.dataProtection().aws() != null && config.dataProtection().aws().endpoint() != null) {
            hosts.add(Destination.of(config.dataProtection().aws().endpoint()).host());
        }
        // The trace collector is a config-named host too; its exporter connects on its own (docs/observability.md).
        if (config.observability().tracing().enabled()) hosts.add(Destination.of(config.observability().tracing().endpoint()).host());
        // So are the audit trail's OTLP collectors and the automatic responses' webhook (docs/audit.md).
        for (var sink : config.audit().sinks()) if (sink.endpoint() != null) hosts.add(Destination.of(sink.endpoint()).host());
        if (config.responses().webhook() != null) hosts.add(Destination.of(config.responses().webhook()).host());
        // The console's IdP: discovery, JWKS and the token endpoint (docs/console.md); often an internal Keycloak.
        if (config.console().oidc() != null) hosts.add(Destination.of(config.console().oidc().issuer()).host());
        return new EgressPolicy(hosts, config.egress().allowPrivateRanges());
    }

    /** The class that refuses {@code address} for a connection to {@code host}, or null when it is allowed. */
    AddressClass refusal(String host, byte[] address) {
        AddressClass c = AddressClass.of(address);
        if (c == AddressClass.PUBLIC || allowPrivate.contains(address)) return null;
        if (c != AddressClass.METADATA && configuredHosts.contains(host)) return null;
        return c;
    }

    /** The first refused class among every address a name resolved to, or null when all are allowed. */
    @Override
    public AddressClass refusal(String host, List<byte[]> addresses) {
        for (byte[] a : addresses) {
            AddressClass c = refusal(host, a);
            if (c != null) return c;
        }
        return null;
    }
}
