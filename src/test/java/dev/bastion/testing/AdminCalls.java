package dev.bastion.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Calls to a test gateway's admin API over loopback, and the checks every admin endpoint's tests share: the one error
 * shape, and the audit events the calls left.
 */
public record AdminCalls(TestGateway gw) {
    public HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        b = body != null ? b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body))
                : b.method(method, HttpRequest.BodyPublishers.noBody());
        return gw.send(b.build());
    }

    public JsonObject ok(String method, String path, String bearer, String body, int status) throws Exception {
        HttpResponse<String> r = call(method, path, bearer, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return new JsonObject(r.body());
    }

    /** A refusal in the one shape: status, code, the request id of the X-Request-Id header; its body. */
    public String refused(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        return r.body();
    }

    public List<AuditRow> events(String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 10_000, true, false);
    }

    /** Waits for a {@code tenant.cross_attempt} on {@code object} by {@code org}'s caller after {@code before} such events. */
    public void crossAttemptRecorded(String org, String object, long before) throws Exception {
        Eventually.until("tenant.cross_attempt recorded", () -> events("tenant.cross_attempt").stream()
                .filter(e -> org.equals(e.actorOrg()) && e.fields().contains(object)).count() > before);
    }

    public long crossAttempts(String org, String object) {
        return events("tenant.cross_attempt").stream().filter(e -> org.equals(e.actorOrg()) && e.fields().contains(object)).count();
    }
}
