package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Response schemas in detect mode through a real gateway: an answer that leaks a field is delivered untouched,
 * logged by pointer (never value) and counted; a matching answer is counted as checked and nothing more.
 */
class ResponseCheckGatewayTest {
    static TestGateway gw;
    static String key;
    static volatile String answer = "{\"id\":\"u-1\",\"name\":\"Jane\"}";

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: users.get
                    match: { methods: [GET], path: /users/* }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      response:
                        mode: detect
                        max_bytes: 4KiB
                        schema:
                          type: object
                          required: [id, name]
                          additionalProperties: false
                          properties: { id: { type: string }, name: { type: string } }
                """));
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(answer));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static double metric(String name) throws Exception {
        String body = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*route=\"users.get\"[^}]*} ([0-9.E]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aLeakingAnswerIsDeliveredUntouchedLoggedByPointerAndCounted() throws Exception {
        double mismatchBefore = metric("bastion_contract_response_mismatch_total");
        double checkedBefore = metric("bastion_contract_response_checked_total");
        try (LogCapture logs = LogCapture.capture()) {
            answer = "{\"id\":\"u-1\",\"name\":\"Jane\",\"password_hash\":\"$2b$SECRET-HASH\"}";
            HttpResponse<String> leaked = gw.get("/users/u-1", key);
            assertThat(leaked.statusCode()).as("detect mode never blocks").isEqualTo(200);
            assertThat(leaked.body()).isEqualTo(answer);
            Eventually.until("the mismatch is counted", () -> metric("bastion_contract_response_mismatch_total") == mismatchBefore + 1);
            String line = logs.lines().stream().filter(l -> l.contains("response schema")).findFirst().orElseThrow();
            assertThat(line).contains("users.get").contains("/password_hash additionalProperties").doesNotContain("SECRET");
        }

        answer = "{\"id\":\"u-1\",\"name\":\"Jane\"}";
        HttpResponse<String> fine = gw.get("/users/u-1", key);
        assertThat(fine.statusCode()).isEqualTo(200);
        Eventually.until("both answers are checked", () -> metric("bastion_contract_response_checked_total") == checkedBefore + 2);
        assertThat(metric("bastion_contract_response_mismatch_total")).isEqualTo(mismatchBefore + 1);
    }

    @Test
    void anAnswerOverMaxBytesIsDeliveredAndCountedAsUnchecked() throws Exception {
        double before = metric("bastion_contract_response_unchecked_total");
        answer = "{\"id\":\"u-1\",\"name\":\"" + "x".repeat(8192) + "\"}";
        try {
            HttpResponse<String> big = gw.get("/users/u-1", key);
            assertThat(big.statusCode()).isEqualTo(200);
            assertThat(big.body()).hasSize(answer.length());
            Eventually.until("the large answer is counted", () -> metric("bastion_contract_response_unchecked_total") == before + 1);
        } finally {
            answer = "{\"id\":\"u-1\",\"name\":\"Jane\"}";
        }
    }
}
