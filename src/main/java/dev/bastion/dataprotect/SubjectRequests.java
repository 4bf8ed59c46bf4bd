package dev.bastion.dataprotect;

import dev.bastion.audit.AuditFormats;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.DataKeyRecord;
import dev.bastion.store.Store;
import dev.bastion.store.SubjectRepository.Of;
import dev.bastion.store.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Subject requests (D3): everything Bastion holds about a user or an org, as one JSON document
 * (schema {@value #SCHEMA}, docs/data-protection.md), and a user's deletion — their rows removed and their data
 * keys destroyed, so audit events about them keep verifying but their sealed members read {@code [shredded]}.
 * Used by the CLI (an operator, any org) and the admin API (a tenant admin, its own org only: {@code org} set).
 * All calls block.
 */
public final class SubjectRequests {
    public static final String SCHEMA = "bastion.subject_export.v1";
    /** The most audit events one export carries; beyond it the document says so ({@code audit_events_truncated}). */
    static final int MAX_EVENTS = 100_000;

    /** What a deletion did. */
    public record Deleted(String userId, String orgId, int userRows, int usageRows, int tokenRows, int keysDestroyed) {
        public Map<String, Object> fields() {
            return Map.of("user_rows", userRows, "usage_rows", usageRows, "token_rows", tokenRows, "keys_destroyed", keysDestroyed);
        }
    }

    private final Store store;
    private final Supplier<DataKeys> keys;
    private final Clock clock;

    /** @param keys the data keys, asked for only when something sealed has to be read or a key destroyed */
    public SubjectRequests(Store store, Supplier<DataKeys> keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /** The user, if it exists (in {@code org} when given). */
    public Optional<User> user(String userId, String org) {
        return org == null ? store.users().findById(userId) : store.users().findById(org, userId);
    }

    /**
     * Everything held about the user; empty when there is no such user (in {@code org}, when given) and no key
     * or row left of one. With {@code org}, audit events are limited to those the user made in that org.
     */
    public Optional<JsonObject> exportUser(String userId, String org) {
        Optional<User> u = user(userId, org);
        String scope = DataKeys.userScope(userId);
        List<DataKeyRecord> versions = store.dataKeys().versions(scope);
        if (u.isEmpty() && (org != null || versions.isEmpty() && store.subjects().find(Of.TOKENS_OF_SUBJECT, userId).isEmpty())) return Optional.empty();
        JsonObject tables = new JsonObject()
                .put("users", rows(Of.USER, userId))
                .put("llm_usage", rows(Of.USAGE_OF_SUBJECT, "user:" + userId))
                .put("stats_usage", rows(Of.USAGE_HISTORY_OF_SUBJECT, "user:" + userId))
                .put("issued_tokens", rows(Of.TOKENS_OF_SUBJECT, userId))
                .put("revocations", rows(Of.REVOCATIONS_OF_SUBJECT, userId));
        AuditRepository.Filter f = new AuditRepository.Filter(null, null, null, null, userId, org, null);
        if (hasOpenKey(versions)) {
            f = new AuditFieldSealer(keys.get()).actorPrefix(userId).map(f::withActorSealed).orElse(f);
        }
        JsonObject out = document("user", userId).put("tables", tables).put("data_keys", keyMetadata(versions));
        return Optional.of(withEvents(out, f));
    }

    /** Everything held about the org: its row, users, keys and clients (never their hashes), usage, tokens, revocations, its events. */
    public Optional<JsonObject> exportOrg(String orgId) {
        if (store.orgs().find(orgId).isEmpty()) return Optional.empty();
        JsonObject tables = new JsonObject()
                .put("orgs", rows(Of.ORG, orgId))
                .put("users", rows(Of.USERS_OF_ORG, orgId))
                .put("api_keys", rows(Of.API_KEYS_OF_ORG, orgId))
                .put("clients", rows(Of.CLIENTS_OF_ORG, orgId))
                .put("llm_usage", rows(Of.USAGE_OF_ORG, orgId))
                .put("stats_usage", rows(Of.USAGE_HISTORY_OF_ORG, orgId))
                .put("issued_tokens", rows(Of.TOKENS_OF_ORG, orgId))
                .put("revocations", rows(Of.REVOCATIONS_OF_ORG, orgId));
        JsonArray keyMeta = keyMetadata(store.dataKeys().versions(DataKeys.orgScope(orgId)));
        for (User u : store.users().list(orgId)) keyMetadata(store.dataKeys().versions(DataKeys.userScope(u.id()))).forEach(keyMeta::add);
        JsonObject out = document("org", orgId).put("tables", tables).put("data_keys", keyMeta);
        return Optional.of(withEvents(out, new AuditRepository.Filter(null, null, null, null, null, orgId, null)));
    }

    /**
     * Deletes the user: their usage rows, the record of tokens issued to them and their row; then destroys their
     * data keys (crypto-shredding). Revocations naming them stay (they keep tokens still in flight refused; the
     * caller revokes the user first). Safe to run again: a second run finishes what a failed one left.
     * Empty when there is no such user (in {@code org}, when given) and nothing left of one.
     */
    public Optional<Deleted> deleteUser(String userId, String org) {
        Optional<User> u = user(userId, org);
        String scope = DataKeys.userScope(userId);
        if (u.isEmpty() && (org != null || store.dataKeys().versions(scope).stream().allMatch(k -> k.state().equals(DataKeyRecord.DESTROYED))
                && store.subjects().find(Of.TOKENS_OF_SUBJECT, userId).isEmpty())) {
            return Optional.empty();
        }
        int usage = store.subjects().delete(Of.USAGE_OF_SUBJECT, "user:" + userId) + store.subjects().delete(Of.USAGE_HISTORY_OF_SUBJECT, "user:" + userId);
        int tokens = store.subjects().delete(Of.TOKENS_OF_SUBJECT, userId);
        int users = store.subjects().delete(Of.USER, userId);
        int destroyed = store.dataKeys().versions(scope).isEmpty() ? 0 : keys.get().destroy(scope);
        return Optional.of(new Deleted(userId, u.map(User::orgId).orElse(org), users, usage, tokens, destroyed));
    }

    private static boolean hasOpenKey(List<DataKeyRecord> versions) {
        return versions.stream().anyMatch(k -> !k.state().equals(DataKeyRecord.DESTROYED));
    }

    private JsonObject document(String kind, String id) {
        return new JsonObject().put("schema", SCHEMA).put("exported_at", Instant.now(clock).toString())
                .put("subject", new JsonObject().put("kind", kind).put("id", id));
    }

    private JsonObject withEvents(JsonObject out, AuditRepository.Filter f) {
        List<AuditRow> rows = store.audit().search(f, MAX_EVENTS + 1, true, false);
        JsonArray events = new JsonArray();
        AuditFieldSealer sealer = null;
        for (AuditRow r : rows.subList(0, Math.min(rows.size(), MAX_EVENTS))) {
            if (DataKeys.isSealedText(r.actorId()) || DataKeys.isSealedText(r.ip())) {
                if (sealer == null) sealer = new AuditFieldSealer(keys.get());
                r = sealer.reveal(r);
            }
            JsonObject e = AuditFormats.eventJson(r);
            e.remove("kind");
            events.add(e);
        }
        out.put("audit_events", events);
        if (rows.size() > MAX_EVENTS) out.put("audit_events_truncated", true);
        out.put("not_included", new JsonArray()
                .add("idempotency responses: kept in Redis sealed with the org's data key under a hash of the caller's key, not attributable to a user; gone after the route's idempotency ttl")
                .add("per-request pseudonym tables (guard): never stored")
                .add("prompts and answers: never stored"));
        return out;
    }

    private JsonArray rows(Of of, String value) {
        JsonArray out = new JsonArray();
        for (Map<String, Object> row : store.subjects().find(of, value)) out.add(new JsonObject(new java.util.LinkedHashMap<>(row)));
        return out;
    }

    /** Metadata only: never key material, wrapped or not. */
    private static JsonArray keyMetadata(List<DataKeyRecord> versions) {
        JsonArray out = new JsonArray();
        for (DataKeyRecord k : versions) {
            out.add(new JsonObject().put("scope", k.scope()).put("version", k.version()).put("state", k.state()).put("kek", k.kekId())
                    .put("created_at", k.createdAt().toString()).put("retired_at", k.retiredAt() == null ? null : k.retiredAt().toString())
                    .put("destroyed_at", k.destroyedAt() == null ? null : k.destroyedAt().toString()));
        }
        return out;
    }
}
