package dev.bastion.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.SecretPlaces;
import dev.bastion.config.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every secret reference of a config, its age and when it is due for rotation — what {@code bastion secrets status} and
 * {@code GET /admin/v1/secrets} report. Never a value: a {@code vault:} or {@code aws-sm:} reference is read from its
 * store for the date of its current version, and the value dropped.
 */
public final class SecretStatus {
    private SecretStatus() {}

    /** One reference's line. {@code state}: ok, overdue, unreadable (a file or secret store that cannot be read), unknown_age (env) or per_org ({org} in it). */
    public record Row(String place, String source, String state, Duration age, Duration maxAge, Instant dueAt) {}

    /**
     * Blocking (a remote store is read).
     *
     * @param unreadable told why a remote reference could not be read (the store's message, never a value)
     */
    public static List<Row> of(BastionConfig c, SecretResolver resolver, Instant now, Consumer<String> unreadable) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, SecretRef> e : SecretPlaces.of(c).entrySet()) {
            SecretRef ref = e.getValue();
            String source = ref.kind().scheme;
            Duration maxAge = c.secrets().maxAgeOf(e.getKey());
            if (ref.templated()) { // one secret per org: read per request, not listed one by one
                rows.add(new Row(e.getKey(), source, "per_org", null, maxAge, null));
                continue;
            }
            if (ref.kind().remote()) {
                SecretAge age;
                String state;
                try {
                    age = new SecretAge(resolver.await(ref, e.getKey()).changedAt(), maxAge);
                    state = !age.known() ? "unknown_age" : age.overdue(now) ? "overdue" : "ok";
                } catch (SecretResolver.SecretException x) {
                    age = new SecretAge(null, maxAge);
                    state = "unreadable";
                    unreadable.accept(x.getMessage());
                }
                rows.add(new Row(e.getKey(), source, state, age.age(now), age.maxAge(), age.dueAt()));
                continue;
            }
            SecretAge age = SecretAge.of(ref, maxAge);
            String state = ref.kind() == SecretRef.Kind.ENV ? "unknown_age"
                    : !age.known() || !Files.isReadable(Path.of(ref.target())) ? "unreadable"
                    : age.overdue(now) ? "overdue" : "ok";
            rows.add(new Row(e.getKey(), source, state, age.age(now), age.maxAge(), age.dueAt()));
        }
        return rows;
    }

    /** {@code {"secrets": [{ref, source, state, max_age_seconds, age_seconds, rotation_due}]}}. */
    public static String json(List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode list = mapper.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = list.addObject().put("ref", r.place()).put("source", r.source()).put("state", r.state())
                    .put("max_age_seconds", r.maxAge().toSeconds());
            if (r.age() == null) o.putNull("age_seconds");
            else o.put("age_seconds", r.age().toSeconds());
            if (r.dueAt() == null) o.putNull("rotation_due");
            else o.put("rotation_due", r.dueAt().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        return mapper.createObjectNode().set("secrets", list).toString();
    }
}
