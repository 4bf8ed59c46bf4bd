package dev.bastion.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway, as declared in one YAML file. Every record below maps one YAML mapping 1:1;
 * keys are {@code snake_case}; unknown keys are errors.
 *
 * @param environment {@code dev} (default) or {@code prod}
 * @param listeners   the public listener and the admin listener
 * @param edge        limits applied to every request before any route is matched
 * @param store       where keys, orgs and later audit live
 * @param apiKeys     API key verification settings
 * @param accessLog   the one-line-per-request JSON access log
 * @param upstreams   named upstreams that routes forward to; URLs only ever come from here
 * @param models      the model catalogue: public model names and the deployments that serve them; an
 *                    {@code llm: chat} route without an upstream routes each request by its {@code model}
 * @param breakers    the circuit breaker of every deployment of the catalogue
 * @param routes      the only requests Bastion accepts: anything unmatched is a 404
 * @param identity    identity providers whose JWTs routes may accept
 * @param tokens      Bastion's own token issuer and identity-token signer
 * @param redis       shared state between instances (revocation broadcast); absent means single node
 * @param revocation  how revocations reach this node
 * @param limits      deployment-wide rate limits: backend, per-IP default, defaults and tiers
 * @param budgets     LLM token and cost budgets
 * @param guard       guardrail policies (PII, secrets, prompt injection) and per-org choices
 * @param waf         request inspection: IP allow and deny lists
 * @param secrets     re-reading {@code file:} references and the maximum age of every secret
 * @param egress      which addresses outbound calls may reach beyond the hosts named here (docs/egress.md)
 * @param observability tracing (OpenTelemetry, off by default; docs/observability.md)
 * @param audit       the audit trail: its writer, spool, checkpoints and failure mode (docs/audit.md)
 * @param retention   how long each class of stored data is kept, and the job that removes the rest (docs/data-protection.md)
 * @param responses   automatic responses (O4): rules that block an address, suspend a key or notify (docs/audit.md)
 * @param incidents   incident switches (R2): who may throw them through the admin API, and their longest duration (docs/operations.md)
 * @param dataProtection envelope encryption of what is stored: the key-encryption key, data-key rotation, sealed
 *                    audit members (docs/data-protection.md)
 * @param bots        bot control's defaults: mode, threshold, rate, challenge cookie and verified-bot cache (docs/bots.md)
 * @param contracts     the limits every route contract holds a JSON body to, even where its schema is silent
 *                      (docs/contracts.md)
 * @param console     the web console on the admin listener: its origin, sessions, IdP login and bootstrap links (docs/console.md)
 */
public record BastionConfig(
        Environment environment,
        ListenersConfig listeners,
        EdgeConfig edge,
        StoreConfig store,
        ApiKeysConfig apiKeys,
        AccessLogConfig accessLog,
        Map<String, UpstreamConfig> upstreams,
        Map<String, ModelConfig> models,
        BreakerConfig breakers,
        List<RouteConfig> routes,
        IdentityConfig identity,
        TokensConfig tokens,
        RedisConfig redis,
        RevocationConfig revocation,
        LimitsConfig limits,
        BudgetsConfig budgets,
        GuardConfig guard,
        WafConfig waf,
        SecretsConfig secrets,
        EgressConfig egress,
        ObservabilityConfig observability,
        AuditConfig audit,
        RetentionConfig retention,
        ResponsesConfig responses,
        DataProtectionConfig dataProtection,
        BotsConfig bots,
        ContractsConfig contracts,
        IncidentsConfig incidents,
        ConsoleConfig console) {

    public BastionConfig {
        environment = environment == null ? Environment.DEV : environment;
        listeners = listeners == null ? new ListenersConfig(null, null, null) : listeners;
        edge = edge == null ? EdgeConfig.DEFAULTS : edge;
        store = store == null ? new StoreConfig(null, null, null, null) : store;
        apiKeys = apiKeys == null ? new ApiKeysConfig(null, null) : apiKeys;
        accessLog = accessLog == null ? new AccessLogConfig(null, null) : accessLog;
        upstreams = upstreams == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        for (String name : models.keySet()) {
            if (!ModelConfig.NAME.matcher(name).matches()) throw new IllegalArgumentException("models: '" + name + "' is not a model name");
        }
        breakers = breakers == null ? BreakerConfig.DEFAULT : breakers;
        routes = routes == null ? List.of() : List.copyOf(routes);
        identity = identity == null ? new IdentityConfig(null) : identity;
        tokens = tokens == null ? new TokensConfig(null, null, null, null, null, null, null, null, null, null, null, null) : tokens;
        revocation = revocation == null ? new RevocationConfig(null) : revocation;
        limits = limits == null ? LimitsConfig.DEFAULTS : limits;
        budgets = budgets == null ? new BudgetsConfig(null, null, null, null, null) : budgets;
        guard = guard == null ? new GuardConfig(null, null) : guard;
        waf = waf == null ? WafConfig.DEFAULTS : waf;
        secrets = secrets == null ? SecretsConfig.DEFAULTS : secrets;
        egress = egress == null ? EgressConfig.DEFAULTS : egress;
        observability = observability == null ? ObservabilityConfig.DEFAULTS : observability;
        audit = (audit == null ? AuditConfig.DEFAULTS : audit).inEnvironment(environment == Environment.PROD);
        retention = retention == null ? RetentionConfig.DEFAULTS : retention;
        responses = responses == null ? ResponsesConfig.NONE : responses;
        dataProtection = dataProtection == null ? DataProtectionConfig.DEFAULTS : dataProtection;
        bots = bots == null ? BotsConfig.DEFAULTS : bots;
        contracts = contracts == null ? ContractsConfig.DEFAULTS : contracts;
        incidents = incidents == null ? IncidentsConfig.DEFAULTS : incidents;
        console = console == null ? ConsoleConfig.DEFAULTS : console;
    }

    public boolean prod() {
        return environment == Environment.PROD;
    }
}
