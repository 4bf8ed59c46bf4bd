package dev.bastion.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the token endpoint's form parser ({@code application/x-www-form-urlencoded}, RFC 6749 §3.2 and
 * Appendix B) with arbitrary bodies. Properties: the parser answers parameters or a refusal with one of its
 * fixed texts (never the body: it holds {@code client_secret} and {@code subject_token}); no parameter but
 * {@code resource} is repeated; and what it reads is what the form says — the same names and values as a
 * reference parser that follows the WHATWG {@code application/x-www-form-urlencoded} rules, so no parameter
 * can hide inside another's value or slip in beside it.
 */
class TokenFormFuzzTest {
    static final Set<String> REFUSALS = Set.of("The body must be application/x-www-form-urlencoded.",
            "The body is not valid form encoding.", "A parameter is repeated.", "The form has too many parameters.");

    @FuzzTest(maxDuration = "10s")
    void readsWhatTheFormSays(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        Map<String, List<String>> params;
        try {
            params = TokenEndpoint.form("application/x-www-form-urlencoded", Buffer.buffer(body));
        } catch (TokenEndpoint.Malformed e) {
            assertThat(REFUSALS).contains(e.getMessage());
            return;
        }
        params.forEach((name, values) -> {
            assertThat(name).isNotNull();
            assertThat(values).doesNotContainNull();
            if (!"resource".equals(name)) assertThat(values).as("%s repeated", name).hasSize(1);
        });
        Map<String, List<String>> reference = reference(body);
        if (reference != null) assertThat(params).as("parameters of %s", body).isEqualTo(reference);
    }

    /** WHATWG URL §5.1: split on '&', then on the first '=', '+' is a space, percent-decode as UTF-8; null if undecodable. */
    static Map<String, List<String>> reference(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                value = URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            out.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        return out;
    }
}
