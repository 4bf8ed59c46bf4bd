package dev.bastion.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route that is an MCP endpoint (Streamable HTTP, revision 2026-07-28) in front of one or more MCP servers, with
 * Bastion as the OAuth 2.1 resource server (docs/mcp.md).
 *
 * @param servers              the MCP servers behind the route; each names an entry under {@code upstreams}, so its
 *                             URL, credential ({@code api_key}, the signed identity token, {@code kind}), timeouts and
 *                             the egress policy are the upstream's: the caller's own token never goes there
 * @param resource             this route's canonical resource URI (RFC 8707, RFC 9728): what a token's {@code aud} must
 *                             hold, and the {@code resource} of the route's protected-resource metadata. Its path is the
 *                             route's {@code match.path}; https, or http on a loopback host (tests, local agents)
 * @param scopesSupported      the scopes published in the metadata ({@code scopes_supported}) and named in a 401's
 *                             challenge when the route requires none
 * @param authorizationServers the issuers clients get tokens from ({@code authorization_servers}); at least one
 * @param acceptAudiences      the fallback for identity providers without resource indicators (Keycloak): a JWT whose
 *                             {@code aud} or {@code azp} is one of these values is accepted as issued for this route.
 *                             Explicit and per route, never implied; empty by default
 * @param allowedOrigins       browser origins that may call the route; a request with any other {@code Origin} is
 *                             refused with 403 (DNS-rebinding defence). Requests without {@code Origin} (agents, SDKs)
 *                             are not affected
 * @param namespace            prefix names with {@code server__}; default true with several servers, false with one.
 *                             Several servers are always namespaced
 * @param guard                the guardrails on tool traffic: arguments and results through a guardrail policy; default
 *                             on, with the policy {@code default}
 * @param limits               rate limits and quotas per caller and tool; default none
 * @param approval             tools a human must approve call by call; default none
 */
public record McpConfig(List<Server> servers, URI resource, List<String> scopesSupported, List<String> authorizationServers,
                        List<String> acceptAudiences, List<String> allowedOrigins, Boolean namespace, Guard guard, List<ToolLimit> limits,
                        Approval approval) {
    /** The longest an approval may hold a call, whatever a route asks: an agent's connection must not hang for hours. */
    public static final java.time.Duration MAX_APPROVAL_TIMEOUT = java.time.Duration.ofMinutes(15);
    /** Between a server's name and its tool's, as clients see it: {@code search__lookup}. */
    public static final String SEPARATOR = "__";
    private static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}"); // RFC 6749 scope-token
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    public McpConfig {
        if (servers == null || servers.isEmpty()) throw new IllegalArgumentException("servers: missing (expected: at least one {name, upstream})");
        servers = List.copyOf(servers);
        Set<String> names = new HashSet<>();
        for (Server s : servers) {
            if (!names.add(s.name())) throw new IllegalArgumentException("servers: '" + s.name() + "' is listed twice");
        }
        if (resource == null) throw new IllegalArgumentException("resource: missing (expected: this route's URL, e.g. https://mcp.example.com/mcp)");
        String scheme = resource.getScheme();
        if (!resource.isAbsolute() || resource.getHost() == null || resource.getRawFragment() != null || resource.getRawQuery() != null
                || resource.getRawUserInfo() != null) {
            throw new IllegalArgumentException("resource: '" + resource + "' (expected: an absolute https URL without query, fragment or credentials)");
        }
        boolean loopback = LOOPBACK.contains(resource.getHost().toLowerCase(Locale.ROOT));
        if (!"https".equals(scheme) && !("http".equals(scheme) && loopback)) {
            throw new IllegalArgumentException("resource: '" + resource + "' (expected: https; http only on a loopback host)");
        }
        scopesSupported = scopesSupported == null ? List.of() : List.copyOf(scopesSupported);
        for (String s : scopesSupported) {
            if (!SCOPE.matcher(s).matches()) throw new IllegalArgumentException("scopes_supported: '" + s + "' is not a scope token");
        }
        if (authorizationServers == null || authorizationServers.isEmpty()) {
            throw new IllegalArgumentException("authorization_servers: missing (expected: the issuer URLs clients get tokens from)");
        }
        authorizationServers = List.copyOf(authorizationServers);
        for (String a : authorizationServers) {
            URI u = parse("authorization_servers", a);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("authorization_servers: '" + a + "' (expected: an http(s) issuer URL)");
            }
        }
        acceptAudiences = acceptAudiences == null ? List.of() : List.copyOf(acceptAudiences);
        for (String a : acceptAudiences) {
            if (a == null || a.isBlank()) throw new IllegalArgumentException("accept_audiences: an empty value would match nothing meaningful");
        }
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        for (String o : allowedOrigins) {
            URI u = parse("allowed_origins", o);
            if (u.getScheme() == null || u.getHost() == null || (u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null) {
                throw new IllegalArgumentException("allowed_origins: '" + o + "' (expected: scheme://host[:port], no path; '*' is not allowed)");
            }
        }
        if (Boolean.FALSE.equals(namespace) && servers.size() > 1) {
            throw new IllegalArgumentException("namespace: false, with " + servers.size() + " servers (their tools could collide: several servers are always namespaced)");
        }
        namespace = namespace != null ? namespace : servers.size() > 1;
        guard = guard == null ? Guard.DEFAULTS : guard;
        limits = limits == null ? List.of() : List.copyOf(limits);
        Set<String> limitNames = new HashSet<>();
        for (ToolLimit l : limits) {
            if (!limitNames.add(l.name())) throw new IllegalArgumentException("limits: two limits are named '" + l.name() + "' (give each its own name)");
        }
    }

    /** Whether {@code pattern} ({@code *} matches any run of characters) matches a tool's exposed name. */
    public static boolean matches(String pattern, String name) {
        String[] parts = pattern.split("\\*", -1);
        if (parts.length == 1) return pattern.equals(name);
        if (!name.startsWith(parts[0])) return false;
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = name.indexOf(parts[i], at);
            if (found < 0) return false;
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return name.length() - at >= last.length() && name.endsWith(last);
    }

    private static List<String> toolPatterns(String key, List<String> tools) {
        if (tools == null || tools.isEmpty()) throw new IllegalArgumentException(key + ": missing (expected: tool names as clients see them, * as a wildcard, e.g. [\"search__*\"])");
        for (String t : tools) {
            if (t == null || t.isBlank() || t.length() > 256) throw new IllegalArgumentException(key + ": an empty or over-long tool pattern");
        }
        return List.copyOf(tools);
    }

    /**
     * The guardrails on tool traffic (docs/mcp.md, "Guardrails on tool traffic").
     *
     * @param policy    a name under {@code guard.policies} (its PII, secret and custom entities, its {@code
     *                  injection.tool_results} thresholds, its per-org mapping), or {@code off}; default {@code default}
     * @param arguments inspect every tool call's arguments for PII and secrets, refusing or redacting per the policy;
     *                  default true
     * @param results   inspect every result (each stream event as it completes) for secrets, PII and indirect prompt
     *                  injection; a result that fails is withheld and replaced by a JSON-RPC error; default true
     */
    public record Guard(String policy, Boolean arguments, Boolean results) {
        public static final Guard DEFAULTS = new Guard(null, null, null);

        public Guard {
            policy = policy == null ? "default" : policy;
            arguments = arguments == null || arguments;
            results = results == null || results;
        }

        public boolean off() {
            return "off".equals(policy) || (!arguments && !results);
        }
    }

    /**
     * A rate limit and/or quota on tool calls, counted per caller and tool (never per session or connection).
     *
     * @param tools which tools it counts (exposed names, {@code *} as a wildcard); each matching tool has its own counter
     * @param per   whose counter: {@code user}, {@code org}, {@code api_key} or {@code client}
     * @param rate  calls per period, e.g. {@code 10/1m}; a window
     * @param quota a longer allowance, e.g. {@code 1000/1d}; a window counted beside the rate
     * @param name  the counter's name, in {@code RateLimit-Policy}; default derived from the other fields
     */
    public record ToolLimit(List<String> tools, RouteConfig.LimitKey per, Rate rate, Rate quota, String name) {
        public ToolLimit {
            tools = toolPatterns("limits.tools", tools);
            if (per == null || per == RouteConfig.LimitKey.IP || per == RouteConfig.LimitKey.ROUTE) {
                throw new IllegalArgumentException("limits.per: " + (per == null ? "missing" : "'" + per.key + "'")
                        + " (expected: user, org, api_key or client: tool limits follow a caller, never an address or a connection)");
            }
            if (rate == null && quota == null) throw new IllegalArgumentException("limits: give a rate (e.g. 10/1m), a quota (e.g. 1000/1d) or both");
            if (name != null && !name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) throw new IllegalArgumentException("limits.name: '" + name + "' (expected: [a-z0-9_.-])");
            name = name != null ? name : "mcp-" + per.key + "-" + Integer.toHexString(String.join(",", tools).hashCode() & 0xfffffff)
                    + (rate == null ? "" : "-" + rate.count() + "-" + rate.period().toSeconds() + "s")
                    + (quota == null ? "" : "-q" + quota.count() + "-" + quota.period().toSeconds() + "s");
        }

        public boolean covers(String tool) {
            for (String t : tools) if (matches(t, tool)) return true;
            return false;
        }
    }

    /**
     * Tools whose every call waits for a human (docs/mcp.md, "Human approval").
     *
     * @param tools   exposed names, {@code *} as a wildcard
     * @param timeout how long a call waits for a decision before it fails; default 2m, at most {@link #MAX_APPROVAL_TIMEOUT}
     * @param pending the most calls waiting on the route at once; more are refused (429) rather than held; default 100
     */
    public record Approval(List<String> tools, java.time.Duration timeout, Integer pending) {
        public Approval {
            tools = toolPatterns("approval.tools", tools);
            timeout = timeout == null ? java.time.Duration.ofMinutes(2) : timeout;
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_APPROVAL_TIMEOUT) > 0) {
                throw new IllegalArgumentException("approval.timeout: " + timeout.toSeconds() + "s (expected: more than 0, at most "
                        + MAX_APPROVAL_TIMEOUT.toMinutes() + "m)");
            }
            pending = pending == null ? 100 : pending;
            if (pending < 1 || pending > 10_000) throw new IllegalArgumentException("approval.pending: " + pending + " (expected: 1 to 10000)");
        }

        public boolean covers(String tool) {
            for (String t : tools) if (matches(t, tool)) return true;
            return false;
        }
    }

    private static URI parse(String key, String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a URL");
        }
    }

    /** The resource's path: the route's {@code match.path}. */
    public String resourcePath() {
        String p = resource.getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** The server names, in order. */
    public List<String> serverNames() {
        List<String> out = new ArrayList<>(servers.size());
        for (Server s : servers) out.add(s.name());
        return out;
    }

    /**
     * One MCP server behind the route.
     *
     * @param name     how clients tell its tools, prompts and resources apart ({@code name__tool}): lower-case letters,
     *                 digits and single {@code -}, up to 32, never the separator {@code __}
     * @param upstream the entry under {@code upstreams} that is this server (URL, credential, timeouts)
     */
    public record Server(String name, String upstream) {
        public Server {
            if (name == null || !SERVER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("servers.name: " + (name == null ? "missing" : "'" + name + "'")
                        + " (expected: lower-case letters, digits and -, up to 32; the separator " + SEPARATOR + " never)");
            }
            if (upstream == null || upstream.isBlank()) throw new IllegalArgumentException("servers.upstream: missing (expected: a name under upstreams)");
        }
    }
}
