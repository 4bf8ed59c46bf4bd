package dev.bastion.storedresponses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Verdict;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The control alone, as on a route with no guard, no budget and no media check (nothing else reads the body there):
 * stored state is refused however the body hides it, and only a JSON object that names none passes.
 */
class StoredResponsesControlTest {
    static Verdict check(String body) {
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/v1/responses").body(body == null ? null : Buffer.buffer(body)).build();
        return new StoredResponsesControl().check(ex).result();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_a\"}",
            "{\"model\":\"m\",\"input\":\"hi\",\"conversation\":{\"id\":\"conv_a\"}}",
            // the attack: a repeated key — Bastion's strict parse has no tree, and a first-wins or last-wins provider reads one copy
            "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":null,\"previous_response_id\":\"resp_a\"}",
            "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_a\",\"previous_response_id\":null}",
            "[{\"previous_response_id\":\"resp_a\"}]",
            "{\"model\":\"m\",\"previous_response_id\":\"resp_a\",}",
            ""})
    void storedStateAndBodiesNobodyCanReadAreRefused(String body) {
        Verdict v = check(body.isEmpty() ? null : body);
        assertThat(v).as(body).isInstanceOf(Verdict.Deny.class);
        assertThat(((Verdict.Deny) v).status()).isEqualTo(400);
        assertThat(((Verdict.Deny) v).message()).doesNotContain("resp_a", "conv_a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\":\"m\",\"input\":\"hi\"}", "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":null,\"store\":false}"})
    void aRequestNamingNoStoredStatePasses(String body) {
        assertThat(check(body)).isInstanceOf(Verdict.Allow.class);
    }
}
