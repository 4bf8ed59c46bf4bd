package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        t.add("method", "method", method);
        t.add("path", "path", path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            t.add("query", "query", rawQuery);
            t.form(rawQuery);
        }
        t.add("request_line", "request_line", method + " " + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            t.add("headers_names", "headers_names", name);
            if (name.equals("cookie")) t.cookies(h.getValue());
            else t.add("headers", "headers:" + name, h.getValue());
        }
        boolean chunked = false;
        for (Map.Entry<String, String> h : headers) chunked |= h.getKey().equalsIgnoreCase("transfer-encoding");
        boolean hasBody = body != null && body.length > 0;
        t.add("request_shape", "request_shape", method + (hasBody ? " body" : "") + (chunked ? " chunked" : "")
                + (hasBody && contentType == null ? " no_content_type" : ""));
        if (hasBody) {
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            String text = new String(body, StandardCharsets.UTF_8);
            if (type.startsWith("application/x-www-form-urlencoded")) {
                t.form(text);
            } else if (type.startsWith("multipart/form-data") && boundary(contentType) != null) {
                t.multipart(text, boundary(contentType));
            } else if (type.startsWith("application/json") || type.endsWith("+json")) {
                JsonNode tree = json.get();
                if (tree == null) t.add("body", "body", text); // not JSON after all: the raw text
                else t.json(tree, "", "", skip.apply(tree), 0);
            } else if (isXml(type)) {
                if (!t.xml(body)) t.add("body", "body", text); // not well-formed XML (or a DTD): the raw text
            } else {
                t.add("body", "body", text);
            }
        }
        return t;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body == null ? null : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean isXml(String type) {
        String mime = type.contains(";") ? type.substring(0, type.indexOf(';')).strip() : type.strip();
        return mime.equals("application/xml") || mime.equals("text/xml") || mime.endsWith("+xml");
    }

    private static final javax.xml.stream.XMLInputFactory XML = xmlFactory();

    /** A StAX factory that reads no DTD and resolves no external entity: inspecting XML must not be an XXE. */
    private static javax.xml.stream.XMLInputFactory xmlFactory() {
        javax.xml.stream.XMLInputFactory f = javax.xml.stream.XMLInputFactory.newFactory();
        f.setProperty(javax.xml.stream.XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(javax.xml.stream.XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(javax.xml.stream.XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /**
     * XML bodies are read as CRS reads them ({@code XML:/*}): the text of every element and the value of
     * every attribute, entities decoded, as {@code body} values named {@code xml:/root/a} and
     * {@code xml:/root/a/@probe} — not the markup, whose element names are data structure, not input.
     * False when the body is not well-formed XML or declares a DTD; it is then inspected as one text.
     */
    private boolean xml(byte[] body) {
        javax.xml.stream.XMLStreamReader r = null;
        List<String> path = new ArrayList<>();
        List<Target> found = new ArrayList<>();
        try {
            r = XML.createXMLStreamReader(new java.io.ByteArrayInputStream(body));
            read:
            while (r.hasNext()) {
                switch (r.next()) {
                    case javax.xml.stream.XMLStreamConstants.START_ELEMENT -> {
                        if (path.size() >= 64) { // deeper is not read: inspected so far, and the request marked incomplete
                            complete = false;
                            break read;
                        }
                        path.add(r.getLocalName());
                        String at = "xml:/" + String.join("/", path);
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            found.add(new Target("body", at + "/@" + r.getAttributeLocalName(i), r.getAttributeValue(i)));
                        }
                    }
                    case javax.xml.stream.XMLStreamConstants.END_ELEMENT -> path.removeLast();
                    case javax.xml.stream.XMLStreamConstants.CHARACTERS, javax.xml.stream.XMLStreamConstants.CDATA -> {
                        if (!r.isWhiteSpace()) found.add(new Target("body", "xml:/" + String.join("/", path), r.getText()));
                    }
                    case javax.xml.stream.XMLStreamConstants.DTD -> {
                        return false;
                    }
                    default -> { }
                }
            }
        } catch (javax.xml.stream.XMLStreamException | RuntimeException e) {
            return false;
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (javax.xml.stream.XMLStreamException ignored) {
                    // closing an in-memory reader
                }
            }
        }
        for (Target x : found) add(x.kind(), x.name().toLowerCase(Locale.ROOT), x.value());
        return true;
    }

    private void add(String kind, String name, String value) {
        if (value == null) return;
        if (targets.size() < MAX_VALUES) targets.add(new Target(kind, name, value));
        else complete = false;
    }

    /** {@code a=1&b=2}: names and values, still percent-encoded (rules decode). */
    private void form(String s) {
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            String decodedName = Transform.URL_DECODE_UNI.apply(name).toLowerCase(Locale.ROOT);
            add("args_names", "args_names", name);
            add("args", "args:" + decodedName, value);
        }
    }

    /** The boundary parameter of a multipart content type, or null. */
    private static String boundary(String contentType) {
        for (String p : contentType.split(";")) {
            String part = p.strip();
            if (part.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = part.substring(9).strip();
                if (b.length() > 1 && b.startsWith("\"") && b.endsWith("\"")) b = b.substring(1, b.length() - 1);
                return b.isEmpty() || b.length() > 200 ? null : b;
            }
        }
        return null;
    }

    /**
     * Form parts: each part's value is {@code args:NAME}, its file name {@code files}; the part headers are
     * structure, not values. A body that does not parse as multipart is inspected as one text.
     */
    private void multipart(String body, String boundary) {
        String delimiter = "--" + boundary;
        int at = body.indexOf(delimiter);
        if (at < 0) {
            add("body", "body", body);
            return;
        }
        while (at >= 0) {
            int start = at + delimiter.length();
            if (body.startsWith("--", start)) return; // the closing delimiter
            int next = body.indexOf(delimiter, start);
            String part = body.substring(start, next < 0 ? body.length() : next);
            int headersEnd = part.indexOf("\r\n\r\n");
            int sep = 4;
            if (headersEnd < 0) {
                headersEnd = part.indexOf("\n\n");
                sep = 2;
            }
            String headers = headersEnd < 0 ? part : part.substring(0, headersEnd);
            String value = headersEnd < 0 ? "" : part.substring(headersEnd + sep);
            if (value.endsWith("\r\n")) value = value.substring(0, value.length() - 2);
            else if (value.endsWith("\n")) value = value.substring(0, value.length() - 1);
            String name = parameter(headers, "name");
            String file = parameter(headers, "filename");
            if (name != null) add("args_names", "args_names", name);
            if (file != null) {
                add("files", "files", file);
                if (name != null) add("files_names", "files_names", name);
            }
            for (String line : headers.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) add("multipart_headers", "multipart_headers:" + line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            add("args", "args:" + (name == null ? "" : name.toLowerCase(Locale.ROOT)), value);
            at = next;
        }
    }

    /** A {@code name="value"} parameter of a part's Content-Disposition, or null. */
    private static String parameter(String headers, String key) {
        String lower = headers.toLowerCase(Locale.ROOT);
        int i = lower.indexOf(key + "=");
        while (i > 0 && Character.isLetterOrDigit(lower.charAt(i - 1))) i = lower.indexOf(key + "=", i + 1); // "filename" is not "name"
        if (i < 0) return null;
        int from = i + key.length() + 1;
        if (from < headers.length() && headers.charAt(from) == '"') {
            int end = headers.indexOf('"', from + 1);
            return end < 0 ? headers.substring(from + 1) : headers.substring(from + 1, end);
        }
        int end = from;
        while (end < headers.length() && headers.charAt(end) != ';' && !Character.isWhitespace(headers.charAt(end))) end++;
        return headers.substring(from, end);
    }

    private void cookies(String header) {
        for (String c : header.split(";")) {
            String part = c.strip();
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq).strip();
            add("cookie_names", "cookie_names", name);
            add("cookies", "cookies:" + name.toLowerCase(Locale.ROOT), eq < 0 ? "" : part.substring(eq + 1).strip());
        }
    }

    private void json(JsonNode n, String pointer, String dotted, Set<String> skip, int depth) {
        if (depth > 64) {
            complete = false;
            return;
        }
        if (n.isObject()) {
            n.properties().forEach(e -> {
                add("json_keys", "json_keys", e.getKey());
                String key = e.getKey().replace("~", "~0").replace("/", "~1");
                json(e.getValue(), pointer + "/" + key, dotted.isEmpty() ? e.getKey() : dotted + "." + e.getKey(), skip, depth + 1);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) json(n.get(i), pointer + "/" + i, dotted + "." + i, skip, depth + 1);
        } else if (!n.isNull() && !(n.isTextual() && skip.contains(pointer))) {
            add("args", "args:" + dotted.toLowerCase(Locale.ROOT), n.asText());
        }
    }
}
