package dev.bastion.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderSpellingsTest {
    /** "A: x | B: y" as header entries. */
    private static List<Map.Entry<String, String>> headers(String spec) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String h : spec.split("\\|")) out.add(Map.entry(h.substring(0, h.indexOf(':')).strip(), h.substring(h.indexOf(':') + 1).strip()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "a key under both spellings; X-Api-Key: a | X_Api_Key: b; x-api-key",
            "the length Bastion frames by and the one a CGI server reads; Content-Length: 2 | Content_Length: 0; content-length",
            "dots read as dashes (PHP); X-Forwarded-For: 1.1.1.1 | X.Forwarded.For: 6.6.6.6; x-forwarded-for",
            "underscore against dot; X_Bastion_Org: a | X.Bastion.Org: b; x-bastion-org",
            "mixed separators and case; idempotency-key: a | IDEMPOTENCY_KEY: b; idempotency-key",
            "a header Bastion does not read is ambiguous all the same; X-Custom-Thing: a | X_Custom_Thing: b; x-custom-thing"})
    void twoSpellingsOfOneNameAreAmbiguous(String name, String spec, String canonical) {
        assertThat(HeaderSpellings.ambiguous(headers(spec))).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "one spelling; Host: x | X-Api-Key: a | Content-Type: application/json",
            "one spelling repeated, in two letter cases; X-Note: a | x-note: b | X-NOTE: c",
            "only the underscored spelling; X_Bastion_Org: forged | Host: x",
            "the underscored spelling repeated; X_Custom: a | x_custom: b",
            "names that differ by more than separators; X-Api-Key: a | X-Api-Keys: b | XApiKey: c"})
    void oneSpellingIsNot(String name, String spec) {
        assertThat(HeaderSpellings.ambiguous(headers(spec))).isNull();
    }
}
