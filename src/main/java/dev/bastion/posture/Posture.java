package dev.bastion.posture;

import static dev.bastion.posture.Severity.FAIL;
import static dev.bastion.posture.Severity.INFO;
import static dev.bastion.posture.Severity.WARN;

import dev.bastion.config.AdminListenerConfig;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.Durations;
import dev.bastion.config.GuardConfig;
import dev.bastion.config.ListenersConfig;
import dev.bastion.config.PublicListenerConfig;
import dev.bastion.config.RetentionConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.config.SecretPlaces;
import dev.bastion.config.SecretRef;
import dev.bastion.config.WafRulesConfig;
import dev.bastion.secrets.SecretAge;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The posture check (R1): the catalogue of rows and the check that runs them. It judges a loaded config, plus the
 * files it names (certificates' expiry, {@code file:} secrets' age), against what a production deployment needs. It
 * refuses nothing itself: {@code bastion check --posture} prints the report, and the gateway refuses to start in
 * {@code environment: prod} when the report has a failure.
 *
 * <p>Some rows repeat a rule {@code ConfigValidator} already enforces at load in prod (CORS wildcard, store and Redis
 * TLS, the master key, audit retention). Those stay load errors — every command that reads the config refuses them,
 * not only {@code serve} — and the rows report them in development, so they are seen before the switch to prod.
 * The waivers ({@code insecure_transport}) are accepted at load and reported here as warnings.
 */
public final class Posture {
    /** A certificate expiring within this window is a warning: long enough to renew through a change process. */
    public static final Duration CERTIFICATE_NOTICE = Duration.ofDays(30);

    private Posture() {}

    /** Every row, in the order reports list them. */
    public static final List<Row> ROWS = List.of(
            new Row("BP-TLS-001", FAIL, "public listener reachable from the network without TLS, and no trusted proxy terminates it",
                    "12.2.1 (TLS for all client connectivity to external facing HTTP services)",
                    "004 Security Checklist: \"TLS 1.2+ enforced everywhere\"",
                    "set listeners.public.tls (cert, key), or list the TLS-terminating proxy in listeners.public.trusted_proxies, or bind to loopback",
                    Posture::plaintextPublicListener),
            new Row("BP-TLS-002", INFO, "public listener without TLS behind trusted proxies: Bastion cannot see whether they terminate TLS",
                    "12.2.1, 12.3.3 (TLS between internal HTTP services)",
                    "004 Security Checklist: \"TLS 1.2+ enforced everywhere\"",
                    "make sure every proxy in listeners.public.trusted_proxies terminates TLS, or set listeners.public.tls",
                    Posture::proxiedPublicListener),
            new Row("BP-CERT-001", FAIL, "certificate expired, not yet valid, or unreadable",
                    "12.2.2 (publicly trusted certificates), 12.3.4 (trusted certificates between services)",
                    "004 SSL/TLS Configuration: \"Certificate Management\"",
                    "renew the certificate (or fix the path) and restart", (c, now) -> certificates(c, now, true)),
            new Row("BP-CERT-002", WARN, "certificate expires within " + Durations.format(CERTIFICATE_NOTICE),
                    "12.2.2, 12.3.4", "004 SSL/TLS Configuration: \"Certificate Management\"",
                    "renew the certificate before it expires", (c, now) -> certificates(c, now, false)),
            new Row("BP-ADMIN-001", WARN, "admin listener not on loopback without required client certificates: health, readiness and "
                    + "metrics answer anyone who can connect, and without listeners.admin.tls the admin API travels in clear",
                    "13.4.5 (monitoring endpoints not exposed unless intended), 12.3.1 (TLS for management tools)",
                    "000 §2.2 Authorization: \"Admin: only via server-side policy\"",
                    "bind listeners.admin.host to loopback, or set listeners.admin.tls with client_auth: required and a client_ca",
                    Posture::exposedAdmin),
            new Row("BP-CONSOLE-001", FAIL, "console reachable from the network without TLS: session cookies and the CSRF token travel in clear "
                    + "(no listeners.admin.tls, and console.public_url is not https)",
                    "12.2.1 (TLS for all client connectivity to external facing HTTP services), 12.3.1 (TLS for management tools)",
                    "000 §2.2 Authorization: \"Admin: only via server-side policy\"; 004 Security Checklist: \"TLS 1.2+ enforced everywhere\"",
                    "keep listeners.admin.host on loopback, set listeners.admin.tls, or put a TLS-terminating proxy in front and set console.public_url to its https origin",
                    Posture::plaintextConsole),
            new Row("BP-UPSTREAM-001", WARN, "in prod, an https upstream of your own (kind: app) trusted through the JDK's public CAs: any "
                    + "public CA can issue a certificate for its name",
                    "12.3.2 (TLS clients validate certificates), 12.3.4 (trusted certificates between services)",
                    "004 SSL/TLS Configuration: \"Certificate Management\"",
                    "set upstreams.NAME.tls.ca to the service's own CA (and tls.pin_sha256 where keys are stable); add tls.client_cert for mTLS",
                    Posture::unpinnedAppUpstreams),
            new Row("BP-CONSOLE-002", WARN, "console OIDC client secret kept in the process environment (env:), readable by anything that "
                    + "can read the process's environment, instead of a secret store or a file (a literal value is refused at load)",
                    "13.3.1 (secrets in a secrets management solution)",
                    "000 §10.1 Pre-prod readiness: \"secrets only in Secrets Manager\"",
                    "set console.oidc.client_secret to vault:…, aws-sm:… or file:…",
                    (c, now) -> c.console().oidc() != null && c.console().oidc().clientSecret().kind() == SecretRef.Kind.ENV
                            ? List.of("console.oidc.client_secret") : List.of()),
            new Row("BP-KEY-001", FAIL, "development master key: tokens.master_key is not set, so signing keys are encrypted with a key "
                    + "Bastion generated next to the database",
                    "13.3.1 (secrets in a secrets management solution)",
                    "000 §10.1 Pre-prod readiness: \"secrets only in Secrets Manager\"",
                    "make one with `bastion tokens new-master-key`, store it in your secret store, set tokens.master_key: vault:…, aws-sm:… or file:…",
                    (c, now) -> c.tokens().masterKey() == null ? List.of("tokens.master_key") : List.of()),
            new Row("BP-CORS-001", FAIL, "CORS allows any origin ('*')",
                    "3.4.2 (Access-Control-Allow-Origin fixed or from an allowlist)",
                    "000 §4.2 HTTP & CORS: \"CORS allow-list: web origins only\"",
                    "list the web origins in routes[].cors.origins",
                    (c, now) -> routes(c, r -> r.cors() != null && r.cors().wildcard(), ".cors.origins")),
            new Row("BP-AUTH-001", INFO, "route is public: anyone may call it without a credential (a route with neither auth nor public: true "
                    + "is refused at load)",
                    "8.2.1 (function-level access restricted to consumers with explicit permissions)",
                    "000 §10.1 Pre-prod readiness: \"API enforces auth on every request\"",
                    "confirm the route is meant to be public, or give it auth",
                    (c, now) -> routes(c, r -> r.publicRoute(), ".public")),
            new Row("BP-AUTH-002", WARN, "public LLM route: anyone may spend the provider's tokens",
                    "8.2.1, 2.4.1 (anti-automation against overuse of costly resources)",
                    "000 §10.1 Pre-prod readiness: \"API enforces auth on every request\"",
                    "give the route auth so budgets and per-caller limits can apply",
                    (c, now) -> routes(c, r -> r.publicRoute() && r.llm() != null, ".public")),
            new Row("BP-WAF-001", WARN, "public route whose request inspection is off or only detects",
                    "2.2.1 (input validated; ASVS does not require a WAF — the nearest requirement)",
                    "000 §10.2 Release gate: \"WAF rules active\"; 004 Security Checklist: \"AWS WAF rules enabled\"",
                    "set waf.rules.mode: block and remove routes[].waf.enabled: false",
                    (c, now) -> routes(c, r -> r.publicRoute() && !inspected(c, r), ".waf")),
            new Row("BP-WAF-002", INFO, "authenticated route whose request inspection is off or only detects",
                    "2.2.1", "000 §10.2 Release gate: \"WAF rules active\"",
                    "set waf.rules.mode: block and remove routes[].waf.enabled: false once detect mode has shown no false positives",
                    (c, now) -> routes(c, r -> !r.publicRoute() && !inspected(c, r), ".waf")),
            new Row("BP-GUARD-001", WARN, "LLM route without guardrails (guard: off)",
                    "none in ASVS 5.0.0 (it has no LLM chapter); nearest 2.2.1 (input validated against expectations)",
                    "000 §4.4 AI calls: \"Input/output filters for PII; optional moderation\"",
                    "remove guard: off (the default policy applies) or name a policy under guard.policies",
                    Posture::unguarded),
            new Row("BP-MCP-001", WARN, "MCP route with tool-definition pinning off: a server can change a tool's description or schema after it was trusted",
                    "none in ASVS 5.0.0 (it has no MCP chapter)",
                    "004 Security Principles: \"Zero Trust: No implicit trust, verify everything\"",
                    "remove routes[].mcp.pinning.mode: off (trust_first is the default) or set it to approve",
                    (c, now) -> routes(c, r -> r.mcp() != null && r.mcp().pinning().mode() == dev.bastion.config.McpConfig.PinMode.OFF, ".mcp.pinning.mode")),
            new Row("BP-MCP-002", WARN, "MCP route whose tool arguments or results are not inspected (mcp.guard off, or arguments or results false)",
                    "none in ASVS 5.0.0 (it has no LLM or MCP chapter); nearest 2.2.1 (input validated against expectations)",
                    "000 §4.4 AI calls: \"Input/output filters for PII; optional moderation\"",
                    "remove routes[].mcp.guard (arguments and results are inspected under the default policy), or name a policy",
                    (c, now) -> routes(c, r -> r.mcp() != null && (r.mcp().guard().off() || !r.mcp().guard().arguments() || !r.mcp().guard().results()),
                            ".mcp.guard")),
            new Row("BP-MCP-003", INFO, "MCP route where every caller may see and call every tool, resource and prompt (no mcp.access rules)",
                    "8.2.1 (function-level access restricted to consumers with explicit permissions)",
                    "004 Security Principles: \"Least Privilege: Minimal permissions for all components\"",
                    "add routes[].mcp.access rules (scopes, roles or orgs per tool), with default: deny for tools nobody named",
                    (c, now) -> routes(c, r -> r.mcp() != null && !r.mcp().access().restricts(), ".mcp.access")),
            new Row("BP-GRAPHQL-001", WARN, "GraphQL introspection allowed in prod (graphql.introspection: true)",
                    "4.3.2 (GraphQL introspection disabled in production unless the API is meant for other parties)",
                    "000 §10.1 Pre-prod readiness: \"GraphQL depth/complexity limits; introspection off (prod)\"",
                    "remove routes[].graphql.introspection: true unless the API is public by design",
                    (c, now) -> routes(c, r -> r.graphql() != null && r.graphql().introspectionAllowed(true), ".graphql.introspection")),
            new Row("BP-LIMIT-001", WARN, "route without a rate limit: no limit of its own, and no default, tier or (public) per-IP limit applies",
                    "2.4.1 (anti-automation against excessive calls)",
                    "004 Security Checklist: \"Rate limiting implemented\"; 000 §2.2: \"Rate limits: token bucket per user/org/IP\"",
                    "add routes[].limits, limits.defaults or limits.default_tier",
                    (c, now) -> routes(c, r -> !limited(c, r), ".limits")),
            new Row("BP-LIMIT-002", WARN, "per-IP limit off: unauthenticated floods reach authentication and the key lookups",
                    "2.4.1", "004 Security Checklist: \"Rate limiting implemented\"",
                    "set limits.per_ip (default 2000/5m)",
                    (c, now) -> c.limits().perIpRate() == null ? List.of("limits.per_ip") : List.of()),
            new Row("BP-STORE-001", FAIL, "PostgreSQL reached without verified TLS",
                    "12.3.1 (TLS to databases), 12.3.2 (TLS clients validate certificates)",
                    "000 §10.1 Pre-prod readiness: \"RDS private, encrypted, TLS required\"",
                    "add sslmode=verify-full (and sslrootcert=PATH for a private CA) to store.url",
                    (c, now) -> !c.store().isSqlite() && !c.store().verifiesTls() && !c.store().insecureTransport() ? List.of("store.url") : List.of()),
            new Row("BP-STORE-002", WARN, "store TLS waived (store.insecure_transport: true)",
                    "12.3.1", "000 §10.1 Pre-prod readiness: \"RDS private, encrypted, TLS required\"",
                    "reach PostgreSQL with sslmode=verify-full and remove the waiver",
                    (c, now) -> !c.store().isSqlite() && !c.store().verifiesTls() && c.store().insecureTransport() ? List.of("store.insecure_transport") : List.of()),
            new Row("BP-REDIS-001", FAIL, "Redis reached without TLS or without AUTH",
                    "12.3.1 (TLS to middleware), 13.2.1 (backend components authenticated)",
                    "004 Security Checklist: \"TLS 1.2+ enforced everywhere\"",
                    "use rediss:// and redis.password: env:NAME (or file:, vault:)", Posture::plainRedis),
            new Row("BP-REDIS-002", WARN, "Redis TLS and AUTH waived (redis.insecure_transport: true)",
                    "12.3.1, 13.2.1", "004 Security Checklist: \"TLS 1.2+ enforced everywhere\"",
                    "use rediss:// with a password and remove the waiver",
                    (c, now) -> c.redis() != null && c.redis().insecureTransport() ? List.of("redis.insecure_transport") : List.of()),
            new Row("BP-AUDIT-001", FAIL, "audit trail disabled: security events go to log lines only",
                    "16.3.1 (authentication operations logged), 16.4.2 (logs protected from modification)",
                    "004 Security Checklist: \"Audit logging enabled\"; 000 §5: \"Audit events for auth, admin actions, exports, data deletes\"",
                    "remove audit.enabled: false", (c, now) -> c.audit().enabled() ? List.of() : List.of("audit.enabled")),
            new Row("BP-AUDIT-002", WARN, "no audit sink: the trail is only in Bastion's own store",
                    "16.4.3 (logs sent to a logically separate system)",
                    "000 §10.3 Runtime hygiene: \"Audit sample shows no PII in logs\" (a sample needs a SIEM); 004: \"Audit logging enabled\"",
                    "add audit.sinks (syslog over TLS, OTLP logs, or a file shipped off the host)",
                    (c, now) -> c.audit().enabled() && c.audit().sinks().isEmpty() ? List.of("audit.sinks") : List.of()),
            new Row("BP-AUDIT-003", FAIL, "audit retention shorter than a year",
                    "16.4.2 (logs cannot be modified or deleted); ASVS sets no period — the seed does",
                    "000 §1: \"Audit events (auth, admin, export): ≥ 1 year\"",
                    "set retention.audit to at least 365d (or off)",
                    (c, now) -> c.retention().audit().enabled() && c.retention().audit().keep().compareTo(RetentionConfig.PROD_AUDIT_FLOOR) < 0
                            ? List.of("retention.audit") : List.of()),
            new Row("BP-AUDIT-004", WARN, "audit fields sealed in the trail are written in clear to the bastion.audit log lines",
                    "16.2.5 (sensitive data logged according to its protection level)",
                    "000 §5 Logging, audit, and privacy: \"No raw PII, secrets, tokens, prompts\" in logs",
                    "set audit.log_lines: false (the trail and its sinks are the record)",
                    (c, now) -> !c.dataProtection().auditEncrypt().isEmpty() && c.audit().writesLogLines() ? List.of("audit.log_lines") : List.of()),
            new Row("BP-SECRET-001", WARN, "secret older than its rotation age (max_age)",
                    "13.3.4 (secrets expire and are rotated per the documentation)",
                    "000 §10.2 Release gate: \"Secrets recently rotated or validated\"; 002: \"rotate on a fixed cadence (e.g., ≤90d)\"",
                    "rotate the secret (a file: one is re-read without a restart), or set secrets.refs.PLACE.max_age", Posture::overdueSecrets));

    /** Runs every row over the config at {@code now}. */
    public static PostureReport check(BastionConfig config, Instant now) {
        List<Finding> findings = new ArrayList<>();
        for (Row row : ROWS) {
            for (String where : row.check().places(config, now)) findings.add(new Finding(row, where));
        }
        return new PostureReport(findings);
    }

    /**
     * Adds what the running secret watcher knows to a report: a {@code vault:} or {@code aws-sm:} secret's age is its
     * version's date, known only once read, so a place the watcher reports overdue that the files did not show becomes a
     * {@code BP-SECRET-001} finding too.
     *
     * @param overduePlaces the places the watcher reports past their max_age
     */
    public static PostureReport withOverdueSecrets(PostureReport report, Collection<String> overduePlaces) {
        Row secrets = ROWS.stream().filter(r -> r.id().equals("BP-SECRET-001")).findFirst().orElseThrow();
        List<Finding> out = new ArrayList<>();
        for (Row row : ROWS) {
            List<Finding> mine = report.findings().stream().filter(f -> f.row() == row).toList();
            out.addAll(mine);
            if (row != secrets) continue;
            for (String place : new TreeSet<>(overduePlaces)) {
                if (mine.stream().noneMatch(f -> f.where().equals(place) || f.where().startsWith(place + " ("))) {
                    out.add(new Finding(secrets, place + " (past its max_age, reported by the secret watcher)"));
                }
            }
        }
        return new PostureReport(out);
    }

    private static List<String> plaintextPublicListener(BastionConfig c, Instant now) {
        PublicListenerConfig pub = c.listeners().publicListener();
        return pub.tls() == null && !ListenersConfig.isLoopback(pub.host()) && pub.trustedProxies().isEmpty()
                ? List.of("listeners.public (host " + pub.host() + ")") : List.of();
    }

    private static List<String> proxiedPublicListener(BastionConfig c, Instant now) {
        PublicListenerConfig pub = c.listeners().publicListener();
        return pub.tls() == null && !ListenersConfig.isLoopback(pub.host()) && !pub.trustedProxies().isEmpty()
                ? List.of("listeners.public.trusted_proxies") : List.of();
    }

    private static List<String> exposedAdmin(BastionConfig c, Instant now) {
        AdminListenerConfig admin = c.listeners().admin();
        boolean certificatesRequired = admin.tls() != null && admin.tls().clientAuth() == dev.bastion.config.TlsConfig.ClientAuth.REQUIRED;
        return admin.enabled() && !ListenersConfig.isLoopback(admin.host()) && !certificatesRequired
                ? List.of("listeners.admin.host (" + admin.host() + ")") : List.of();
    }

    private static List<String> unpinnedAppUpstreams(BastionConfig c, Instant now) {
        if (!c.prod()) return List.of();
        List<String> out = new ArrayList<>();
        c.upstreams().forEach((name, u) -> {
            boolean pinned = u.tlsSettings() != null && (u.tlsSettings().ca() != null || !u.tlsSettings().pinSha256().isEmpty());
            if (u.kind() == dev.bastion.config.UpstreamConfig.Kind.APP && u.tls() && !pinned) out.add("upstreams." + name + ".tls");
        });
        return out;
    }

    private static List<String> plaintextConsole(BastionConfig c, Instant now) {
        AdminListenerConfig admin = c.listeners().admin();
        boolean https = admin.tls() != null || c.console().publicUrl() != null && "https".equals(c.console().publicUrl().getScheme());
        return c.console().enabled() && admin.enabled() && !ListenersConfig.isLoopback(admin.host()) && !https
                ? List.of("console.public_url (admin listener on " + admin.host() + ")") : List.of();
    }

    private static List<String> plainRedis(BastionConfig c, Instant now) {
        if (c.redis() == null || c.redis().insecureTransport()) return List.of();
        List<String> out = new ArrayList<>();
        if (!"rediss".equals(c.redis().url().getScheme())) out.add("redis.url");
        if (c.redis().password() == null) out.add("redis.password");
        return out;
    }

    private static List<String> unguarded(BastionConfig c, Instant now) {
        List<String> out = routes(c, r -> r.llm() != null && GuardConfig.OFF.equals(r.guard()), ".guard");
        c.guard().orgs().forEach((org, policy) -> {
            if (GuardConfig.OFF.equals(policy)) out.add("guard.orgs." + org);
        });
        return out;
    }

    /** Inspection that can refuse: the rules in block mode and the route not opted out. */
    private static boolean inspected(BastionConfig c, RouteConfig r) {
        return c.waf().rules().mode() == WafRulesConfig.Mode.BLOCK && r.waf().enabled();
    }

    /**
     * Whether some rate limit applies to the route: its own, or for an authenticated route a default or the default
     * tier (a per-IP limit does not bound what one tenant spends), or for a public route the per-IP limit.
     */
    private static boolean limited(BastionConfig c, RouteConfig r) {
        if (!r.limits().isEmpty() || !r.mutations().isEmpty() || !r.concurrency().isEmpty()) return true;
        if (r.publicRoute()) return c.limits().perIpRate() != null;
        return !c.limits().defaults().isEmpty() || (r.tiers() && c.limits().defaultTier() != null);
    }

    /** Every {@code file:} secret past its maximum age, judged by its file's modification time as the secret watcher does. */
    private static List<String> overdueSecrets(BastionConfig c, Instant now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, SecretRef> e : SecretPlaces.of(c).entrySet()) {
            Duration maxAge = c.secrets().maxAgeOf(e.getKey());
            SecretAge age = SecretAge.of(e.getValue(), maxAge);
            if (age.overdue(now)) out.add(e.getKey() + " (" + Durations.format(age.age(now).truncatedTo(ChronoUnit.DAYS)) + " old, max_age "
                    + Durations.format(maxAge) + ")");
        }
        return out;
    }

    /** @param expired true: the expired, not-yet-valid or unreadable ones; false: those expiring within {@link #CERTIFICATE_NOTICE} */
    private static List<String> certificates(BastionConfig c, Instant now, boolean expired) {
        List<String> out = new ArrayList<>();
        Certificates.files(c).forEach((place, file) -> {
            Certificates.Validity v = Certificates.validity(file);
            boolean invalid = v == null || now.isAfter(v.notAfter()) || now.isBefore(v.notBefore());
            if (expired && invalid) out.add(place + " (" + (v == null ? "unreadable as PEM certificates" : "valid " + v) + ")");
            if (!expired && !invalid && now.plus(CERTIFICATE_NOTICE).isAfter(v.notAfter())) out.add(place + " (expires " + v.notAfter() + ")");
        });
        return out;
    }

    private static List<String> routes(BastionConfig c, Predicate<RouteConfig> violates, String key) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            if (violates.test(r)) out.add("routes[" + i + "]" + key + " (" + r.id() + ")");
        }
        return out;
    }
}
