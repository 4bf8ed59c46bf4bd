package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One accepted kind of request and the controls it passes. Deny by default: a route must either
 * declare {@code auth} or say {@code public: true}; there is no implicit anonymous access.
 *
 * @param id           stable name used in logs and metrics ({@code [a-z0-9_.-]})
 * @param match        which requests this route takes
 * @param upstream     name of an entry under {@code upstreams}; omitted on an {@code llm: chat}, {@code embeddings} or {@code messages} route, which then
 *                     routes each request by its {@code model} through the {@code models} catalogue (and
 *                     answers {@code GET …/models} beside it)
 * @param contentTypes media types accepted for request bodies (e.g. {@code application/json}); others → 415;
 *                     empty means bodies are not restricted by type
 * @param publicRoute  {@code public: true} lets requests through without credentials
 * @param auth         how callers prove who they are
 * @param require      what an authenticated caller must hold
 * @param limits       token-bucket limits; all must pass
 * @param cors         browser origins allowed to call this route; absent means no CORS headers at all
 * @param stripPrefix  a path prefix removed before forwarding (e.g. {@code /app} so {@code /app/x} → {@code /x})
 * @param maxBodyBytes a lower body cap for this route than {@code edge.max_body_bytes}
 * @param forwardUserToken pass the caller's own IdP token on to the upstream (never to {@code kind: ai} upstreams); default false
 * @param mutations    limits that apply only to POST, PUT, PATCH and DELETE, on top of {@code limits}
 * @param concurrency  caps on requests in flight at once, per org, key, client or user
 * @param llm          the LLM API this route serves ({@code chat}, {@code completions}, {@code embeddings}, or the
 *                     Anthropic front door {@code messages}): enables token budgets and usage accounting
 * @param idempotency  honour {@code Idempotency-Key} on POST and PATCH
 * @param tiers        apply the caller's tier limits here; default true for routes with an authenticated caller
 * @param guard        the guardrail policy (a name under {@code guard.policies}) or {@code off}; default {@code default}
 *                     on {@code llm} routes, none elsewhere
 * @param graphql      the route serves GraphQL: documents are parsed and held to these limits (W7); absent: not GraphQL
 * @param waf          the route's request inspection: profile and exclusions (see {@code waf.rules})
 * @param failover     retries, fallbacks and backoff of a route that routes by model (see {@link FailoverConfig})
 * @param fetch        the route fetches a URL its caller names (a link preview) instead of forwarding: the URL's
 *                     scheme, host, port, content type and size are held to these lists (see {@link FetchConfig});
 *                     a fetch route has no {@code upstream}
 * @param bind         tenant binding (Z2): parts of the request that must name the caller's own org or user — a
 *                     {@code {name}} segment of {@code match.path}, a query parameter, a JSON body field or a GraphQL
 *                     argument; any mismatch, absence or ambiguity answers the gateway's unknown-route 404 and records
 *                     {@code tenant.cross_attempt} (docs/contracts.md)
 * @param bots         the route's bot policy (docs/bots.md); absent: the {@code bots.mode} default
 * @param contract     JSON Schemas for the request's body and query parameters, and limits on the body's shape
 *                     (see {@link ContractConfig}); absent: no contract
 * @param mcp          the route is an MCP endpoint in front of MCP servers, Bastion the OAuth resource server (see
 *                     {@link McpConfig}, docs/mcp.md); it takes POST, and matches every other method but OPTIONS
 *                     only to answer it 405 after authentication; absent: not MCP
 * @param storedResponses an {@code llm: responses} route forwards {@code previous_response_id} and {@code conversation},
 *                     which continue state the provider stored under Bastion's key; default false: refused, since
 *                     every tenant shares that key and one tenant's response id would open another's conversation
 * @param endUserIds   on an llm route, the end-user identifier the provider receives ({@code safety_identifier},
 *                     {@code user}): {@code derived} (default) an HMAC of the caller's org and user, the client's own
 *                     value never sent; {@code client} the client's value as it is, which any tenant can set to anything
 */
public record RouteConfig(String id, Match match, String upstream, List<String> contentTypes,
                          @JsonProperty("public") Boolean publicRoute, Auth auth, Require require,
                          List<Limit> limits, Cors cors, String stripPrefix, ByteSize maxBodyBytes, Boolean forwardUserToken,
                          List<Limit> mutations, List<Concurrency> concurrency, LlmApi llm, Idempotency idempotency, Boolean tiers,
                          String guard, GraphqlConfig graphql, RouteWafConfig waf, FailoverConfig failover, FetchConfig fetch,
                          List<Bind> bind,
                          BotsConfig.Route bots,
                          ContractConfig contract,
                          McpConfig mcp,
                          Boolean storedResponses,
                          EndUserIdMode endUserIds) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9*][a-z0-9!#$&^_.+-]*");

    public RouteConfig {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: " + (id == null ? "missing" : "'" + id + "'") + " (expected: lower-case letters, digits, _ . -; up to 64)");
        }
        if (match == null) throw new IllegalArgumentException("match: missing");
        if (upstream != null && upstream.isBlank()) throw new IllegalArgumentException("upstream: empty");
        if (fetch != null) {
            if (upstream != null) throw new IllegalArgumentException("fetch: a fetch route fetches the URL its caller names; it has no upstream");
            if (llm != null || graphql != null) throw new IllegalArgumentException("fetch: a fetch route is not an llm or graphql route");
            if (match.methods().stream().anyMatch(m -> !m.equals("GET") && !m.equals("POST"))) {
                throw new IllegalArgumentException("fetch: a fetch route takes GET ?url= or POST {\"url\": …}, not " + match.methods());
            }
            if (stripPrefix != null || Boolean.TRUE.equals(forwardUserToken)) {
                throw new IllegalArgumentException("fetch: strip_prefix and forward_user_token belong to routes with an upstream");
            }
        }
        if (mcp != null) match = mcpMatch(match, mcp, upstream, llm, graphql, fetch, publicRoute, forwardUserToken, stripPrefix);
        if (upstream == null && fetch == null && mcp == null && llm != LlmApi.CHAT && llm != LlmApi.EMBEDDINGS && llm != LlmApi.MESSAGES) {
            throw new IllegalArgumentException("upstream: missing (only an llm: chat, embeddings or messages route may omit it, to route by model through the models catalogue)");
        }
        if (upstream != null && llm == LlmApi.MESSAGES) {
            // The front door translates to OpenAI's chat format for the controls; one upstream would get that, not
            // the Messages API its clients sent. Deployments translate to each provider's own format.
            throw new IllegalArgumentException("upstream: an llm: messages route routes by model through the models catalogue "
                    + "(declare the model with provider: anthropic, openai, … and leave upstream out)");
        }
        contentTypes = contentTypes == null ? List.of() : contentTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
        for (String t : contentTypes) {
            if (!MEDIA_TYPE.matcher(t).matches()) throw new IllegalArgumentException("content_types: '" + t + "' is not a media type");
        }
        // MCP messages are JSON; a text/plain POST is what a web page can send cross-site without a preflight.
        if (mcp != null && contentTypes.isEmpty()) contentTypes = List.of("application/json");
        publicRoute = publicRoute != null && publicRoute;
        if (publicRoute && auth != null) throw new IllegalArgumentException("a route is either public: true or has auth, not both");
        if (!publicRoute && auth == null) {
            throw new IllegalArgumentException("auth: missing (every route needs auth, or an explicit public: true)");
        }
        if (publicRoute && require != null) throw new IllegalArgumentException("require: a public route has no caller to require anything of");
        require = require == null ? new Require(null, null, null, null) : require;
        forwardUserToken = forwardUserToken != null && forwardUserToken;
        if (forwardUserToken && (auth == null || !auth.methods().contains(AuthMethod.JWT))) {
            throw new IllegalArgumentException("forward_user_token: only meaningful with auth method jwt");
        }
        limits = limits == null ? List.of() : List.copyOf(limits);
        mutations = mutations == null ? List.of() : List.copyOf(mutations);
        concurrency = concurrency == null ? List.of() : List.copyOf(concurrency);
        for (Limit l : concat(limits, mutations)) {
            if (publicRoute && l.per().needsIdentity()) {
                throw new IllegalArgumentException("limits: per " + l.per().key + " needs an authenticated caller, and this route is public");
            }
        }
        for (Concurrency c : concurrency) {
            if (publicRoute && c.per().needsIdentity()) throw new IllegalArgumentException("concurrency: per " + c.per().key + " needs an authenticated caller, and this route is public");
        }
        if (idempotency != null && publicRoute) throw new IllegalArgumentException("idempotency: keys are scoped to the caller, and this route is public");
        if (idempotency != null && match != null && !match.methods().contains("POST") && !match.methods().contains("PATCH")) {
            throw new IllegalArgumentException("idempotency: keys apply to POST and PATCH, and this route matches neither");
        }
        if (llm != null && match != null && !match.methods().contains("POST")) throw new IllegalArgumentException("llm: LLM APIs are POST, and this route does not match POST");
        tiers = tiers == null ? !publicRoute : tiers;
        if (storedResponses != null && llm != LlmApi.RESPONSES) throw new IllegalArgumentException("stored_responses: only an llm: responses route continues stored responses");
        storedResponses = storedResponses != null && storedResponses;
        if (endUserIds != null && llm == null) throw new IllegalArgumentException("end_user_ids: only an llm route sends the provider an end-user identifier");
        if (endUserIds == null && llm != null) endUserIds = EndUserIdMode.DERIVED;
        if (guard != null && llm == null) throw new IllegalArgumentException("guard: guardrails read OpenAI-compatible requests; set llm: chat, messages, completions, embeddings or responses");
        guard = guard != null ? guard : llm != null ? GuardConfig.DEFAULT : GuardConfig.OFF;
        waf = waf != null ? waf : new RouteWafConfig(llm != null ? RouteWafConfig.Profile.LLM : RouteWafConfig.Profile.API, null, null);
        if (waf.profile() == null) waf = new RouteWafConfig(llm != null ? RouteWafConfig.Profile.LLM : RouteWafConfig.Profile.API, waf.exclusions(), waf.enabled());
        if (fetch != null) {
            // The URL argument is the fetch's to judge (parsed, resolved, every address classified); to the WAF's
            // file-inclusion and SSRF signatures every URL looks like an attack. Everything else stays inspected.
            List<RouteWafConfig.Exclusion> exclusions = new java.util.ArrayList<>(waf.exclusions());
            exclusions.add(new RouteWafConfig.Exclusion(null, "args:url"));
            waf = new RouteWafConfig(waf.profile(), exclusions, waf.enabled());
        }
        if (failover != null && upstream != null) throw new IllegalArgumentException("failover: only a route that routes by model (llm: chat, embeddings or messages, no upstream) has deployments to fail over to");
        failover = failover == null ? FailoverConfig.DEFAULT : failover;
        if (graphql != null && llm != null) throw new IllegalArgumentException("graphql: a route serves GraphQL or an LLM API, not both");
        if (graphql != null && match != null && !match.methods().contains("POST") && !match.methods().contains("GET")) {
            throw new IllegalArgumentException("graphql: GraphQL is served over GET and POST, and this route matches neither");
        }
        if (tiers && publicRoute) throw new IllegalArgumentException("tiers: a public route has no caller with a tier");
        if (stripPrefix != null && (!stripPrefix.startsWith("/") || stripPrefix.endsWith("/") || stripPrefix.length() < 2)) {
            throw new IllegalArgumentException("strip_prefix: '" + stripPrefix + "' (expected: /segment without a trailing slash)");
        }
        if (stripPrefix != null && PathTemplate.isTemplate(stripPrefix)) throw new IllegalArgumentException("strip_prefix: '" + stripPrefix + "' (a prefix to strip is literal, without {name})");
        bind = bind == null ? List.of() : List.copyOf(bind);
        if (!bind.isEmpty() && publicRoute) throw new IllegalArgumentException("bind: a public route has no caller to bind the request to");
        PathTemplate template = PathTemplate.isTemplate(match.path()) ? PathTemplate.parse(match.path()) : null;
        for (Bind b : bind) {
            if (b.path() != null && (template == null || !template.names(b.path()))) {
                throw new IllegalArgumentException("bind: path '" + b.path() + "' is not a {" + b.path() + "} segment of match.path '" + match.path() + "'");
            }
            if (b.body() != null && !match.methods().contains("POST") && !match.methods().contains("PUT") && !match.methods().contains("PATCH")) {
                throw new IllegalArgumentException("bind: body '" + b.body() + "' needs a route that takes bodies (POST, PUT or PATCH)");
            }
            if (b.graphql() != null && graphql == null) {
                throw new IllegalArgumentException("bind: graphql '" + b.graphql() + "' needs the route's graphql block (its limits bound the parse)");
            }
        }
    }

    /**
     * One tenant binding: exactly one of {@code path}, {@code query}, {@code body}, {@code graphql} names where the
     * value is; {@code to} what it must equal. Values are compared exactly (case-sensitive, no Unicode folding),
     * after one percent-decoding (paths by the edge, query parameters here).
     *
     * @param path     a {@code {name}} segment of the route's {@code match.path}
     * @param query    a query parameter's name; given twice, or also in another letter case, is a mismatch
     * @param body     a JSON pointer ({@code /org_id}, {@code /board/org_id}) into a JSON body; duplicate keys anywhere are a mismatch
     * @param graphql  an argument (or input-object field) name, anywhere in the request's documents and variables
     * @param to       {@code org} (the caller's org) or {@code user} (the caller's Bastion user id; a caller without one never matches)
     * @param required whether the value must be present; default true. False only for {@code graphql} and {@code query}:
     *                 absent is then allowed, and every occurrence still must match
     */
    public record Bind(String path, String query, String body, String graphql, String to, Boolean required) {
        /** The prefix of a claim target: {@code to: claim:workspaces} binds to one of the token's {@code workspaces} values. */
        public static final String CLAIM = "claim:";
        /** A top-level claim name (at most 64 characters: longer ones are not kept on an identity). */
        private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");
        private static final Pattern PATH_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
        private static final Pattern GRAPHQL_NAME = Pattern.compile("[_A-Za-z][_0-9A-Za-z]{0,63}");

        public Bind {
            int sources = (path != null ? 1 : 0) + (query != null ? 1 : 0) + (body != null ? 1 : 0) + (graphql != null ? 1 : 0);
            if (sources != 1) throw new IllegalArgumentException("bind: exactly one of path, query, body, graphql (got " + sources + ")");
            if (path != null && !PATH_NAME.matcher(path).matches()) throw new IllegalArgumentException("bind: path '" + path + "' (expected: a {name} of match.path)");
            if (query != null && (query.isEmpty() || query.length() > 64 || query.chars().anyMatch(c -> c <= ' ' || c == '&' || c == '=' || c == '%' || c > 126))) {
                throw new IllegalArgumentException("bind: query '" + query + "' (expected: a parameter name, printable ASCII without & = %)");
            }
            if (body != null && (!body.startsWith("/") || body.length() < 2)) {
                throw new IllegalArgumentException("bind: body '" + body + "' (expected: a JSON pointer such as /org_id)");
            }
            if (graphql != null && !GRAPHQL_NAME.matcher(graphql).matches()) throw new IllegalArgumentException("bind: graphql '" + graphql + "' (expected: a GraphQL name)");
            if (to == null) throw new IllegalArgumentException("bind: to missing (expected: org or user)");
            if (to.startsWith(CLAIM)) {
                if (!CLAIM_NAME.matcher(to.substring(CLAIM.length())).matches()) {
                    throw new IllegalArgumentException("bind: to '" + to + "' (expected: claim:NAME, a top-level claim name of letters, digits, _ . : -)");
                }
            } else if (!to.equals("org") && !to.equals("user")) {
                throw new IllegalArgumentException("bind: to '" + to + "' (expected: org, user or claim:NAME)");
            }
            required = required == null || required;
            if (!required && (path != null || body != null)) throw new IllegalArgumentException("bind: required: false is for query and graphql bindings only");
        }

        /** Where the value is, for logs, metrics and the audit event: {@code path:org}, {@code body:/org_id}. */
        public String where() {
            return path != null ? "path:" + path : query != null ? "query:" + query : body != null ? "body:" + body : "graphql:" + graphql;
        }

        /** The source kind: {@code path}, {@code query}, {@code body} or {@code graphql}. */
        public String source() {
            return path != null ? "path" : query != null ? "query" : body != null ? "body" : "graphql";
        }
    }

    /**
     * @param methods HTTP methods, upper case; required
     * @param path    exact path ({@code /v1/chat/completions}) or a prefix ending in {@code /*} ({@code /api/*}); a segment
     *                may be a {@code {name}} matching any one non-empty segment ({@code /orgs/{org}/boards/*}), for {@code bind}
     * @param host    optional host name the request must be for (compared without port, case-insensitively)
     */
    public record Match(List<String> methods, String path, String host) {
        private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

        public Match {
            if (methods == null || methods.isEmpty()) throw new IllegalArgumentException("methods: missing (expected: e.g. [POST])");
            methods = methods.stream().map(m -> m.trim().toUpperCase(Locale.ROOT)).distinct().toList();
            for (String m : methods) {
                if (!METHODS.contains(m)) throw new IllegalArgumentException("methods: '" + m + "' (expected one of " + METHODS.stream().sorted().toList() + ")");
            }
            if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("path: " + (path == null ? "missing" : "'" + path + "'") + " (expected: starts with /)");
            if (path.contains("*") && !(path.endsWith("/*") && path.indexOf('*') == path.length() - 1)) {
                throw new IllegalArgumentException("path: '" + path + "' (a wildcard is only allowed as a final /*)");
            }
            if (path.contains("..") || path.contains("//") || path.contains("%") || path.contains("\\")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: a normalised path without .., //, % or \\)");
            }
            host = host == null ? null : host.trim().toLowerCase(Locale.ROOT);
            if (PathTemplate.isTemplate(path)) PathTemplate.parse(path); // validates the {name} segments
        }

        public boolean prefix() {
            return path.endsWith("/*");
        }
    }

    /**
     * @param methods   credential kinds accepted, tried in order: {@code jwt} (IdP tokens), {@code api_key},
     *                  {@code bastion_token} (tokens from Bastion's own {@code /oauth2/token})
     * @param issuers   for {@code jwt}: names of the identity issuers this route trusts; default all of them
     * @param audiences for {@code bastion_token}: accepted {@code aud}; default [{@code tokens.audience}]
     */
    public record Auth(List<AuthMethod> methods, List<String> issuers, List<String> audiences) {
        public Auth {
            if (methods == null || methods.isEmpty()) throw new IllegalArgumentException("methods: missing (expected: e.g. [api_key])");
            methods = List.copyOf(methods);
            if (methods.size() != methods.stream().distinct().count()) throw new IllegalArgumentException("methods: listed twice");
            issuers = issuers == null ? List.of() : List.copyOf(issuers);
            audiences = audiences == null ? List.of() : List.copyOf(audiences);
            if (!issuers.isEmpty() && !methods.contains(AuthMethod.JWT)) throw new IllegalArgumentException("issuers: only used with method jwt");
            if (!audiences.isEmpty() && !methods.contains(AuthMethod.BASTION_TOKEN)) throw new IllegalArgumentException("audiences: only used with method bastion_token");
        }
    }

    public enum AuthMethod {
        @JsonProperty("jwt") JWT,
        @JsonProperty("api_key") API_KEY,
        @JsonProperty("bastion_token") BASTION_TOKEN,
        /** A verified client certificate on the public listener, mapped by {@code listeners.public.tls.client_identities}. */
        @JsonProperty("mtls") MTLS
    }

    /**
     * What an authenticated caller must hold. All given conditions must hold; roles and scopes come from
     * the verified credential only, never from request headers.
     *
     * @param scopesAll the caller must hold every one of these scopes
     * @param scopesAny the caller must hold at least one of these scopes (when given)
     * @param roles     the caller must have at least one of these roles ({@code reader}, {@code writer}, {@code admin})
     * @param orgs      the caller's org must be one of these
     */
    public record Require(List<String> scopesAll, List<String> scopesAny, List<String> roles, List<String> orgs) {
        public static final java.util.Set<String> ROLES = java.util.Set.of("reader", "writer", "admin");

        public Require {
            scopesAll = scopesAll == null ? List.of() : List.copyOf(scopesAll);
            scopesAny = scopesAny == null ? List.of() : List.copyOf(scopesAny);
            roles = roles == null ? List.of() : List.copyOf(roles);
            orgs = orgs == null ? List.of() : List.copyOf(orgs);
            for (String r : roles) {
                if (!ROLES.contains(r)) throw new IllegalArgumentException("roles: '" + r + "' (expected: reader, writer or admin)");
            }
        }

        public boolean isEmpty() {
            return scopesAll.isEmpty() && scopesAny.isEmpty() && roles.isEmpty() && orgs.isEmpty();
        }
    }

    /**
     * A rate limit. Without {@code burst} it is a window: at most {@code COUNT} requests per {@code PERIOD},
     * the window starting at the first request. With {@code burst} it is a token bucket holding up to
     * {@code burst} requests and refilled at {@code COUNT/PERIOD}.
     *
     * @param per   who is counted: {@code ip}, {@code user}, {@code org}, {@code api_key}, {@code client} or the
     *              {@code route} as a whole; a caller without the named kind of credential (an API key caller on
     *              a {@code per: user} limit of a mixed route) is counted by its own credential
     * @param rate  {@code COUNT/PERIOD}
     * @param burst token-bucket capacity; absent for a window
     * @param name  name in the {@code RateLimit-Policy} header and of the counter; default {@code PER-COUNT-PERIOD}
     *              (with {@code -bBURST} for a bucket); unique among the limits that apply to a route
     */
    public record Limit(LimitKey per, Rate rate, Long burst, String name) {
        public Limit {
            if (per == null) throw new IllegalArgumentException("per: missing (expected: ip, user, org, api_key, client or route)");
            if (rate == null) throw new IllegalArgumentException("rate: missing (expected: e.g. 100/1m)");
            if (burst != null && burst < 1) throw new IllegalArgumentException("burst: " + burst + " (expected: > 0)");
            if (name != null && !name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) throw new IllegalArgumentException("name: '" + name + "' (expected: [a-z0-9_.-])");
            name = name != null ? name : per.key + "-" + rate.count() + "-" + Durations.format(rate.period()) + (burst == null ? "" : "-b" + burst);
        }

        public Limit(LimitKey per, Rate rate, Long burst) {
            this(per, rate, burst, null);
        }

        public boolean bucket() {
            return burst != null;
        }
    }

    /**
     * @param per who is capped: {@code org}, {@code api_key}, {@code client}, {@code user} or the {@code route}
     * @param max requests in flight at once; more → 429 {@code concurrency_limited}
     */
    public record Concurrency(LimitKey per, Integer max) {
        public Concurrency {
            if (per == null || per == LimitKey.IP) throw new IllegalArgumentException("per: " + (per == null ? "missing" : "ip") + " (expected: org, api_key, client, user or route)");
            if (max == null || max < 1) throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
        }
    }

    /** Whether this route sends each request to the deployment of its {@code model} in the catalogue. */
    public boolean routesByModel() {
        return upstream == null && fetch == null && mcp == null;
    }

    /**
     * An MCP route's match: a literal path (its protected-resource metadata lives at one well-known URL derived from
     * it), POST for messages, and GET and DELETE always matched too — so they are authenticated before they are
     * answered, rather than refused by the router to anyone who asks (a gateway that left them open was bypassed).
     */
    private static Match mcpMatch(Match match, McpConfig mcp, String upstream, LlmApi llm, GraphqlConfig graphql, FetchConfig fetch,
                                  Boolean publicRoute, Boolean forwardUserToken, String stripPrefix) {
        if (upstream != null) throw new IllegalArgumentException("mcp: an MCP route sends to its mcp.servers; it has no upstream");
        if (llm != null || graphql != null || fetch != null) throw new IllegalArgumentException("mcp: an MCP route is not an llm, graphql or fetch route");
        if (Boolean.TRUE.equals(publicRoute)) throw new IllegalArgumentException("mcp: an MCP route authenticates every message (Bastion is its resource server); public: true is refused");
        if (Boolean.TRUE.equals(forwardUserToken)) throw new IllegalArgumentException("mcp: forward_user_token is refused: the caller's token never reaches an MCP server");
        if (stripPrefix != null) throw new IllegalArgumentException("mcp: strip_prefix does not apply (the servers' URLs are their upstreams')");
        if (match.prefix() || PathTemplate.isTemplate(match.path())) {
            throw new IllegalArgumentException("mcp: match.path '" + match.path() + "' (expected: a literal path, the resource's)");
        }
        if (!match.path().equals(mcp.resourcePath())) {
            throw new IllegalArgumentException("mcp.resource: its path '" + mcp.resourcePath() + "' is not match.path '" + match.path() + "'");
        }
        for (String m : match.methods()) {
            if (!m.equals("POST") && !m.equals("GET") && !m.equals("DELETE")) throw new IllegalArgumentException("mcp: method " + m + " (an MCP endpoint takes POST)");
        }
        if (!match.methods().contains("POST")) throw new IllegalArgumentException("mcp: match.methods must include POST");
        // Every method but OPTIONS (a browser's preflight carries no credentials, and CORS answers it).
        return new Match(List.of("POST", "GET", "DELETE", "PUT", "PATCH", "HEAD"), match.path(), match.host());
    }

    /** What the provider learns of the end user (see {@code dev.bastion.enduser.EndUserControl}). */
    public enum EndUserIdMode {
        /** An HMAC of the caller's org and user: the provider tells users apart, no tenant reaches another's. */
        @JsonProperty("derived") DERIVED,
        /** The client's {@code user} / {@code safety_identifier} as it is. */
        @JsonProperty("client") CLIENT
    }

    public enum LlmApi {
        @JsonProperty("chat") CHAT,
        @JsonProperty("completions") COMPLETIONS,
        @JsonProperty("embeddings") EMBEDDINGS,
        /** Anthropic's Messages API, a front door: translated to {@link #CHAT} before any control reads it. */
        @JsonProperty("messages") MESSAGES,
        /**
         * OpenAI's Responses API ({@code POST /v1/responses}): {@code instructions} and {@code input} items in, typed
         * {@code output} items and events out. Forwarded as it is to an OpenAI-compatible upstream (never translated).
         */
        @JsonProperty("responses") RESPONSES;

        /** The API the controls read: a front door's requests are translated to OpenAI's chat format first. */
        public LlmApi normalised() {
            return this == MESSAGES ? CHAT : this;
        }
    }

    /**
     * @param ttl              how long a first response is kept for repeats; default 24h, at most 7d
     * @param maxResponseBytes larger responses are not kept (a repeat then gets 409); default 1MiB
     */
    public record Idempotency(Duration ttl, ByteSize maxResponseBytes) {
        public Idempotency {
            ttl = ttl == null ? Duration.ofHours(24) : ttl;
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) throw new IllegalArgumentException("ttl: " + Durations.format(ttl) + " (expected: 1s..7d)");
            maxResponseBytes = maxResponseBytes == null ? ByteSize.ofKiB(1024) : maxResponseBytes;
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        java.util.ArrayList<T> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    public enum LimitKey {
        @JsonProperty("ip") IP("ip", false),
        @JsonProperty("user") USER("user", true),
        @JsonProperty("org") ORG("org", true),
        @JsonProperty("api_key") API_KEY("api_key", true),
        @JsonProperty("client") CLIENT("client", true),
        @JsonProperty("route") ROUTE("route", false);

        public final String key;
        private final boolean needsIdentity;

        LimitKey(String key, boolean needsIdentity) {
            this.key = key;
            this.needsIdentity = needsIdentity;
        }

        public boolean needsIdentity() {
            return needsIdentity;
        }
    }

    /**
     * @param origins       exact origins ({@code https://app.example.com}); {@code *} only without credentials and never in prod
     * @param credentials   send {@code Access-Control-Allow-Credentials: true}; default false
     * @param methods       allowed methods; default the route's methods
     * @param headers       allowed request headers; default {@code authorization, content-type, x-api-key, x-request-id}
     * @param exposeHeaders response headers scripts may read; default {@code x-request-id, retry-after}
     * @param maxAge        how long browsers may cache a preflight; default 10m
     */
    public record Cors(List<String> origins, Boolean credentials, List<String> methods, List<String> headers,
                       List<String> exposeHeaders, Duration maxAge) {
        public Cors {
            if (origins == null || origins.isEmpty()) throw new IllegalArgumentException("origins: missing (expected: e.g. [https://app.example.com])");
            origins = List.copyOf(origins);
            credentials = credentials != null && credentials;
            for (String o : origins) {
                if ("*".equals(o)) {
                    if (credentials) throw new IllegalArgumentException("origins: '*' together with credentials: true is refused (browsers would send cookies to any site's script)");
                    continue;
                }
                java.net.URI u;
                try {
                    u = java.net.URI.create(o);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("origins: '" + o + "' is not an origin");
                }
                if (u.getScheme() == null || u.getHost() == null || (u.getRawPath() != null && !u.getRawPath().isEmpty())
                        || u.getRawQuery() != null || u.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("origins: '" + o + "' (expected: scheme://host[:port], no path)");
                }
            }
            methods = methods == null ? List.of() : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
            headers = headers == null ? List.of("authorization", "content-type", "x-api-key", "x-request-id")
                    : headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            exposeHeaders = exposeHeaders == null ? List.of("x-request-id", "retry-after")
                    : exposeHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            maxAge = maxAge == null ? Duration.ofMinutes(10) : maxAge;
        }

        public boolean wildcard() {
            return origins.contains("*");
        }
    }
}
