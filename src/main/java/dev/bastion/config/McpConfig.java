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
 * @param access               who may see and call which tool, resource and prompt (docs/mcp.md#authorization-per-tool);
 *                             absent: every caller of the route may use everything
 * @param pinning              tool-definition pinning (docs/mcp.md#pinning-tool-definitions); absent: {@code trust_first}
 * @param guard                the guardrails on tool traffic: arguments and results through a guardrail policy; default
 *                             on, with the policy {@code default}
 * @param limits               rate limits and quotas per caller and tool; default none
 * @param approval             tools a human must approve call by call; default none
 */
public record McpConfig(List<Server> servers, URI resource, List<String> scopesSupported, List<String> authorizationServers,
                        List<String> acceptAudiences, List<String> allowedOrigins, Boolean namespace, Access access, Pinning pinning, Guard guard, List<ToolLimit> limits,
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
        access = access != null ? access : Access.OPEN;
        pinning = pinning != null ? pinning : Pinning.DEFAULT;
        if (namespace) {
            for (Rule r : access.tools()) knownServer("access.tools", r.match(), names);
            for (Rule r : access.prompts()) knownServer("access.prompts", r.match(), names);
        }
        for (String key : pinning.pins().keySet()) {
            int at = key.indexOf(SEPARATOR);
            if (at <= 0 || !names.contains(key.substring(0, at)) || key.indexOf(SEPARATOR, at + SEPARATOR.length()) >= 0) {
                throw new IllegalArgumentException("pinning.pins: '" + key + "' (expected: server__tool, the server one of " + names + ")");
            }
        }
        guard = guard == null ? Guard.DEFAULTS : guard;
        limits = limits == null ? List.of() : List.copyOf(limits);
        Set<String> limitNames = new HashSet<>();
        for (ToolLimit l : limits) {
            if (!limitNames.add(l.name())) throw new IllegalArgumentException("limits: two limits are named '" + l.name() + "' (give each its own name)");
        }
    }

    /** A namespaced rule whose pattern names a server by a literal prefix must name one of the route's (a typo would match nothing). */
    private static void knownServer(String key, String pattern, Set<String> servers) {
        int at = pattern.indexOf(SEPARATOR);
        if (at <= 0) return;
        String prefix = pattern.substring(0, at);
        if (prefix.indexOf('*') < 0 && prefix.indexOf('?') < 0 && !servers.contains(prefix)) {
            throw new IllegalArgumentException(key + ": '" + pattern + "' names no server of this route (expected a prefix among " + servers + ")");
        }
    }

    /**
     * Whether {@code pattern} matches {@code name} whole: {@code *} any run of characters, {@code ?} exactly one,
     * everything else itself. The one glob of {@code mcp.access}, {@code limits} and {@code approval}. Matched by
     * walking both strings and going back only to the last {@code *}: at most length × pattern length steps, where a
     * regular expression's backtracking took seconds for a 2 KB resource URI against {@code doc://*}{@code /*}{@code /*x}.
     */
    public static boolean matches(String pattern, String name) {
        int p = 0, s = 0, star = -1, resume = 0;
        while (s < name.length()) {
            char c = p < pattern.length() ? pattern.charAt(p) : 0;
            if (p < pattern.length() && c != '*' && (c == '?' || c == name.charAt(s))) {
                p++;
                s++;
            } else if (p < pattern.length() && c == '*') {
                star = p++;
                resume = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    /** Whether one of {@code patterns} matches {@code name} ({@link #matches}). */
    static boolean anyMatches(List<String> patterns, String name) {
        for (String t : patterns) if (matches(t, name)) return true;
        return false;
    }

    private static List<String> toolPatterns(String key, List<String> tools) {
        if (tools == null || tools.isEmpty()) throw new IllegalArgumentException(key + ": missing (expected: tool names as clients see them, with * and ? as wildcards, e.g. [\"search__*\"])");
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
            // YAML 1.1 reads a bare off as false, which arrives here as "false": policy: off must still mean off
            policy = policy == null ? "default" : "false".equals(policy) ? "off" : policy;
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
     * @param tools which tools it counts (exposed names, {@code *} and {@code ?} as wildcards); each matching tool has its own counter
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
            return anyMatches(tools, tool);
        }
    }

    /**
     * Tools whose every call waits for a human (docs/mcp.md, "Human approval").
     *
     * @param tools        exposed names, {@code *} and {@code ?} as wildcards
     * @param timeout      how long a call waits for a decision before it fails; default 2m, at most {@link #MAX_APPROVAL_TIMEOUT}
     * @param pending      the most calls waiting on the route at once; more are refused (429) rather than held; default 100
     * @param pollInterval how often the node holding a call reads its row for a decision made on another node (with
     *                     Redis the decision also comes as a message, at once); only while it holds calls
     */
    public record Approval(List<String> tools, java.time.Duration timeout, Integer pending, java.time.Duration pollInterval) {
        public Approval {
            tools = toolPatterns("approval.tools", tools);
            timeout = timeout == null ? java.time.Duration.ofMinutes(2) : timeout;
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_APPROVAL_TIMEOUT) > 0) {
                throw new IllegalArgumentException("approval.timeout: " + timeout.toSeconds() + "s (expected: more than 0, at most "
                        + MAX_APPROVAL_TIMEOUT.toMinutes() + "m)");
            }
            pending = pending == null ? 100 : pending;
            if (pending < 1 || pending > 10_000) throw new IllegalArgumentException("approval.pending: " + pending + " (expected: 1 to 10000)");
            pollInterval = pollInterval == null ? java.time.Duration.ofSeconds(1) : pollInterval;
            if (pollInterval.toMillis() < 100 || pollInterval.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("approval.poll_interval: " + pollInterval.toMillis() + "ms (expected: 100ms to 1m)");
            }
        }

        public boolean covers(String tool) {
            return anyMatches(tools, tool);
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

    /** Where RFC 9728 puts a resource's metadata: this prefix, then the resource's path. */
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    /** The path of this route's protected-resource metadata document. */
    public String metadataPath() {
        return WELL_KNOWN + resourcePath();
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

    /** What a caller may do with an item no rule names, or that a rule names. */
    public enum Decision {
        @com.fasterxml.jackson.annotation.JsonProperty("allow") ALLOW,
        @com.fasterxml.jackson.annotation.JsonProperty("deny") DENY
    }

    /**
     * Per-item authorization. The first rule whose {@code match} fits an item decides it; an item no rule fits gets
     * {@code default}. The same decision filters the lists and admits the calls.
     *
     * @param defaultDecision {@code default}: {@code allow} (the default) or {@code deny} for items no rule names
     * @param tools           rules over the exposed tool names ({@code server__tool} when namespaced)
     * @param resources       rules over resource URIs (and resource templates' {@code uriTemplate})
     * @param prompts         rules over the exposed prompt names
     */
    public record Access(@com.fasterxml.jackson.annotation.JsonProperty("default") Decision defaultDecision, List<Rule> tools,
                         List<Rule> resources, List<Rule> prompts) {
        public static final Access OPEN = new Access(null, null, null, null);

        public Access {
            defaultDecision = defaultDecision != null ? defaultDecision : Decision.ALLOW;
            tools = tools == null ? List.of() : List.copyOf(tools);
            resources = resources == null ? List.of() : List.copyOf(resources);
            prompts = prompts == null ? List.of() : List.copyOf(prompts);
        }

        /** Whether anything is restricted at all (an open route's policy is left out of the chain). */
        public boolean restricts() {
            return defaultDecision == Decision.DENY || !tools.isEmpty() || !resources.isEmpty() || !prompts.isEmpty();
        }
    }

    /**
     * One rule.
     *
     * @param match   the name or URI, exactly, or a glob: {@code *} any run of characters, {@code ?} one
     * @param require what the caller needs, in the vocabulary of a route's {@code require} ({@code scopes_all},
     *                {@code scopes_any}, {@code roles}, {@code orgs}); {@code scopes_all} also joins the one
     *                {@code insufficient_scope} challenge of a call
     * @param decision {@code allow} (the default: allowed to whoever meets {@code require}) or {@code deny} (nobody)
     */
    public record Rule(String match, RouteConfig.Require require, Decision decision) {
        public Rule {
            if (match == null || match.isBlank()) throw new IllegalArgumentException("match: missing (expected: a name, a URI or a glob with * and ?)");
            if (match.length() > 512) throw new IllegalArgumentException("match: longer than 512 characters");
            require = require != null ? require : new RouteConfig.Require(null, null, null, null);
            decision = decision != null ? decision : Decision.ALLOW;
            if (decision == Decision.ALLOW && require.isEmpty()) {
                throw new IllegalArgumentException("match '" + match + "': neither require nor decision: deny (expected one: a rule that allows everyone is what default: allow is for)");
            }
        }
    }

    /** How first-seen tools are treated. */
    public enum PinMode {
        /** A first-seen tool is quarantined until an operator approves it. */
        @com.fasterxml.jackson.annotation.JsonProperty("approve") APPROVE,
        /** A first-seen tool is pinned as it is; a later change quarantines it. */
        @com.fasterxml.jackson.annotation.JsonProperty("trust_first") TRUST_FIRST,
        /** No pinning (declared {@code pins} are refused with it). */
        @com.fasterxml.jackson.annotation.JsonProperty("off") OFF;

        /** YAML 1.1 reads a bare {@code off} as false: {@code mode: off} must still mean off. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static PinMode of(Object value) {
            if (Boolean.FALSE.equals(value)) return OFF;
            for (PinMode m : values()) if (m.name().equalsIgnoreCase(String.valueOf(value))) return m;
            throw new IllegalArgumentException("pinning.mode: '" + value + "' (expected: approve, trust_first or off)");
        }
    }

    /**
     * Tool-definition pinning.
     *
     * @param mode   {@code approve}, {@code trust_first} (the default) or {@code off}
     * @param pins   declared pins: {@code server__tool: sha256:<64 hex>}; a declared pin is the config's and cannot be
     *               approved over (change the config)
     * @param maxAge how long a server's tool definitions, read from a list, are used to check calls before a call makes
     *               Bastion read the list again; default 10s, at most 5m
     */
    public record Pinning(PinMode mode, java.util.Map<String, String> pins, java.time.Duration maxAge) {
        public static final Pinning DEFAULT = new Pinning(null, null, null);
        private static final Pattern FINGERPRINT = Pattern.compile("sha256:[0-9a-f]{64}");

        public Pinning {
            mode = mode != null ? mode : PinMode.TRUST_FIRST;
            pins = pins == null ? java.util.Map.of() : java.util.Map.copyOf(pins);
            for (java.util.Map.Entry<String, String> e : pins.entrySet()) {
                if (e.getValue() == null || !FINGERPRINT.matcher(e.getValue()).matches()) {
                    throw new IllegalArgumentException("pins." + e.getKey() + ": expected sha256: and 64 lower-case hex digits (bastion mcp pins list shows them)");
                }
            }
            if (mode == PinMode.OFF && !pins.isEmpty()) throw new IllegalArgumentException("pins: given with mode: off (expected: approve or trust_first)");
            maxAge = maxAge != null ? maxAge : java.time.Duration.ofSeconds(10);
            EdgeConfig.requirePositive("max_age", maxAge);
            if (maxAge.compareTo(java.time.Duration.ofMinutes(5)) > 0) throw new IllegalArgumentException("max_age: " + maxAge + " (expected: at most 5m)");
        }
    }
}
