package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of one request that rules look at, each with its kind and name: {@code path},
 * {@code query}, {@code request_line}, {@code args:NAME} (query parameters, form fields, JSON values
 * by dotted path), {@code args_names}, {@code headers:NAME}, {@code cookies:NAME}, {@code cookie_names},
 * {@code json_keys}, {@code files} (multipart file names), {@code files_names} (the field names of file
 * parts), {@code multipart_headers:NAME} (each part's own headers), {@code headers_names}, {@code method},
 * and {@code body} for bodies that are neither form, multipart nor JSON. Values are as received:
 * rules decode them with their own transformations. JSON strings at {@code skip} pointers (the text a
 * model reads, under the {@code llm} profile) are not targets; the JSON around them is.
 *
 * <p>This is the request's values as a list, for tests and tools; the gateway's inspection takes them
 * from the {@link Extractor} one at a time instead, without the list.
 */
public final class RequestTargets {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values beyond this many are not extracted (and the request is not {@link #complete()}). */
    static final int MAX_VALUES = 20_000;

    /** @param kind the target kind rules select; @param name the full name ({@code args:q}), lower case */
    public record Target(String kind, String name, String value) {}

    private final List<Target> targets = new ArrayList<>();
    private boolean complete = true;

    public List<Target> all() {
        return targets;
    }

    /**
     * False when some of the request was not extracted (more than {@link #MAX_VALUES} values, JSON nested
     * deeper than 64): what was not extracted was not inspected, so the caller must not treat the request
     * as clean — padding a request until the attack falls past the limit is the oldest WAF bypass.
     */
    public boolean complete() {
        return complete;
    }

    /**
     * @param skip given a JSON body, the pointers of strings not to inspect (the model-bound text of an LLM
     *             request); the body is parsed here
     */
    public static RequestTargets of(String method, String path, String rawQuery, Iterable<Map.Entry<String, String>> headers,
                                    String contentType, byte[] body, java.util.function.Function<JsonNode, Set<String>> skip) {
        return of(method, path, rawQuery, headers, contentType, body, () -> parse(body), skip);
    }

    /**
     * @param json the body parsed as JSON (asked for only when the content type says JSON), or null when it is
     *             not JSON: the exchange's one parse, shared with the other controls
     * @param skip given a JSON body, the pointers of strings not to inspect (the model-bound text of an LLM request)
     */
    public static RequestTargets of(String method, String path, String rawQuery, Iterable<Map.Entry<String, String>> headers,
                                    String contentType, byte[] body, java.util.function.Supplier<JsonNode> json,
                                    java.util.function.Function<JsonNode, Set<String>> skip) {
        RequestTargets t = new RequestTargets();
        t.complete = Extractor.extract(method, path, rawQuery, Extractor.Headers.of(headers), contentType, Extractor.Body.of(body), json, skip,
                new Extractor.Sink() {
                    @Override
                    public void value(String kind, String name, String value) {
                        t.targets.add(new Target(kind, name, value));
                    }

                    @Override
                    public void jsonValue(JsonPath at, String value) {
                        t.targets.add(new Target("args", at.argsName(), value));
                    }
                });
        return t;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body == null ? null : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
