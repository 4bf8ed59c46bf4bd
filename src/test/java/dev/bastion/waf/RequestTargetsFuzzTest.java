package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the WAF's request-target extraction (JSON, form, multipart, XML and raw bodies, the query) and its
 * transformations. Input: the first line is the {@code Content-Type}, the second the raw query, the rest the
 * body. Properties: extraction never throws and yields at most {@link RequestTargets#MAX_VALUES} values (else
 * the request is marked incomplete), whose total size is bounded by the input's; every string of a JSON body
 * that was fully extracted is among the values (nothing escapes inspection); every transformation is total
 * and bounded, and its fast path — skipping a value whose character classes show nothing to do, and the
 * classes it predicts for its result — agrees with the slow one.
 */
class RequestTargetsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "10s")
    void extractionAndTransformsAreTotal(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int first = text.indexOf('\n');
        int second = first < 0 ? -1 : text.indexOf('\n', first + 1);
        String contentType = first < 0 ? text : text.substring(0, first);
        String query = first < 0 ? "" : text.substring(first + 1, second < 0 ? text.length() : second);
        byte[] body = second < 0 ? new byte[0] : text.substring(second + 1).getBytes(StandardCharsets.UTF_8);

        RequestTargets t = RequestTargets.of("POST", "/api/items", query, List.of(Map.entry("Content-Type", contentType)),
                contentType, body, json -> Set.of());
        List<RequestTargets.Target> all = t.all();
        assertThat(all.size()).isLessThanOrEqualTo(RequestTargets.MAX_VALUES + 8);
        long size = 0;
        Set<String> values = new HashSet<>();
        for (RequestTargets.Target target : all) {
            assertThat(target.value()).isNotNull();
            assertThat(target.name()).isNotNull();
            size += target.value().length() + target.name().length();
            values.add(target.value());
        }
        // Bounded memory: names repeat paths (a JSON key path per value), so allow a factor, never a blow-up.
        assertThat(size).isLessThanOrEqualTo(64L * (input.length + 64));

        if (t.complete() && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            JsonNode node = parse(body);
            if (node != null) {
                List<String> strings = new ArrayList<>();
                strings(node, strings);
                assertThat(values).as("every JSON string is inspected").containsAll(strings);
            }
        }
        int checked = 0;
        for (String v : values) {
            if (checked++ > 64) break;
            checkTransforms(v);
        }
    }

    static void checkTransforms(String v) {
        long classes = CharClasses.of(v);
        for (Transform tr : Transform.values()) {
            String slow = tr.apply(v);
            assertThat(slow).isNotNull();
            // NFKC can expand a character up to 18 times (U+FDFA); nothing else grows a value more than 4 times.
            assertThat(slow.length()).as("%s bounded", tr).isLessThanOrEqualTo(18 * v.length() + 16);
            assertThat(tr.apply(v, classes)).as("%s fast path of %s", tr, v).isEqualTo(slow);
            long predicted = tr.resultClasses(classes);
            if (predicted != Transform.UNKNOWN_CLASSES) {
                assertThat(CharClasses.of(slow) & ~predicted).as("%s: result classes predicted for %s", tr, v).isZero();
            }
        }
        assertThat(Transform.LOWERCASE.apply(Transform.LOWERCASE.apply(v))).isEqualTo(Transform.LOWERCASE.apply(v));
        assertThat(Transform.REMOVE_NULLS.apply(v)).doesNotContain("\0");
        for (Transform idempotent : new Transform[] {Transform.NORMALIZE_PATH, Transform.NORMALIZE_PATH_WIN, Transform.COMPRESS_WHITESPACE,
                Transform.REMOVE_WHITESPACE, Transform.URL_DECODE_REPEATED}) {
            String once = idempotent.apply(v);
            if (idempotent != Transform.URL_DECODE_REPEATED || !once.contains("%")) {
                assertThat(idempotent.apply(once)).as("%s twice on %s", idempotent, v).isEqualTo(once);
            }
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static void strings(JsonNode n, List<String> out) {
        if (n == null) return;
        if (n.isTextual()) out.add(n.textValue());
        n.elements().forEachRemaining(c -> strings(c, out)); // array items and object values
    }
}
