package dev.bastion.waf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads the values of one request that rules look at — their kinds and names are described on
 * {@link RequestTargets} — and hands them one at a time, in the request's order, to a {@link Sink}: the
 * inspector takes each as it comes, so a gateway request makes no list of targets, and a JSON value's
 * name (its dotted path) is built only when a rule matched it or an exclusion asks.
 */
final class Extractor {
    /** Where the values go. */
    interface Sink {
        /** @param name the full name ({@code args:q}, {@code headers:host}), lower case */
        void value(String kind, String name, String value);

        /** A value of a JSON body (kind {@code args}), named by {@link JsonPath#argsName()} when the name is wanted. */
        void jsonValue(JsonPath at, String value);
    }

    /** A request's headers, as received: a Vert.x {@code MultiMap}'s {@code forEach}, or a list's. */
    interface Headers {
        void forEach(BiConsumer<String, String> nameAndValue);

        static Headers of(Iterable<Map.Entry<String, String>> entries) {
            return pair -> entries.forEach(e -> pair.accept(e.getKey(), e.getValue()));
        }
    }

    /** The body as received, copied out only when a reading needs its bytes (a JSON body parsed already does not). */
    record Body(int length, Supplier<byte[]> bytes) {
        static final Body NONE = new Body(0, () -> null);

        static Body of(byte[] bytes) {
            return bytes == null ? NONE : new Body(bytes.length, () -> bytes);
        }
    }

    private final Sink sink;
    private int count;
    private boolean complete = true;
    private boolean chunked;

    private Extractor(Sink sink) {
        this.sink = sink;
    }

    /**
     * @param json the body parsed as JSON (asked for only when the content type says JSON), or null when it is
     *             not JSON
     * @param skip given a JSON body, the pointers of strings not to inspect (the model-bound text of an LLM request)
     * @return whether every value was extracted ({@link RequestTargets#complete()})
     */
    static boolean extract(String method, String path, String rawQuery, Headers headers, String contentType, Body body,
                           Supplier<JsonNode> json, Function<JsonNode, Set<String>> skip, Sink sink) {
        Extractor x = new Extractor(sink);
        x.value("method", "method", method);
        x.value("path", "path", path);
        boolean query = rawQuery != null && !rawQuery.isEmpty();
        if (query) {
            x.value("query", "query", rawQuery);
            x.form(rawQuery);
        }
        x.value("request_line", "request_line", method + " " + path + (query ? "?" + rawQuery : ""));
        headers.forEach(x::header);
        boolean hasBody = body.length() > 0;
        x.value("request_shape", "request_shape", method + (hasBody ? " body" : "") + (x.chunked ? " chunked" : "")
                + (hasBody && contentType == null ? " no_content_type" : ""));
        if (hasBody) x.body(contentType, body, json, skip);
        return x.complete;
    }

    private void value(String kind, String name, String value) {
        if (value == null) return;
        if (count < RequestTargets.MAX_VALUES) {
            count++;
            sink.value(kind, name, value);
        } else {
            complete = false;
        }
    }

    private void jsonValue(JsonPath at, String value) {
        if (count < RequestTargets.MAX_VALUES) {
            count++;
            sink.jsonValue(at, value);
        } else {
            complete = false;
        }
    }

    private void header(String name, String value) {
        HeaderName h = HeaderName.of(name);
        value("headers_names", "headers_names", h.lower);
        if (h.cookie) cookies(value);
        else value("headers", h.target, value);
        chunked |= h.transferEncoding;
    }

    /**
     * A header name as the rules see it: lower case, and its target name ({@code headers:user-agent}). The
     * same dozen names come with every request, so each is worked out once; bounded, so a flood of made-up
     * names only empties it.
     */
    private record HeaderName(String lower, String target, boolean cookie, boolean transferEncoding) {
        private static final int KEPT = 512, KEPT_LENGTH = 64;
        private static final ConcurrentHashMap<String, HeaderName> KNOWN = new ConcurrentHashMap<>();

        static HeaderName of(String name) {
            HeaderName h = KNOWN.get(name);
            if (h != null) return h;
            String lower = name.toLowerCase(Locale.ROOT);
            h = new HeaderName(lower, "headers:" + lower, lower.equals("cookie"), name.equalsIgnoreCase("transfer-encoding"));
            if (name.length() <= KEPT_LENGTH) {
                if (KNOWN.size() >= KEPT) KNOWN.clear();
                KNOWN.put(name, h);
            }
            return h;
        }
    }

    private void body(String contentType, Body body, Supplier<JsonNode> json, Function<JsonNode, Set<String>> skip) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            form(text(body));
        } else if (type.startsWith("multipart/form-data") && boundary(contentType) != null) {
            multipart(text(body), boundary(contentType));
        } else if (type.startsWith("application/json") || type.endsWith("+json")) {
            JsonNode tree = json.get();
            if (tree != null) {
                json(tree, new JsonPath(), SkippedStrings.of(tree, skip.apply(tree)), 0);
            } else {
                byte[] bytes = body.bytes().get();
                if (!jsonTokens(bytes)) value("body", "body", new String(bytes, StandardCharsets.UTF_8)); // not JSON after all: the raw text
            }
        } else if (isXml(type)) {
            byte[] bytes = body.bytes().get();
            if (!xml(bytes)) value("body", "body", new String(bytes, StandardCharsets.UTF_8)); // not well-formed XML (or a DTD): the raw text
        } else {
            byte[] bytes = body.bytes().get();
            value("body", "body", new String(bytes, StandardCharsets.UTF_8));
            // Many backends parse JSON whatever the type says (text/plain is CORS-safe): its decoded values too.
            if (startsLikeJson(bytes)) jsonTokens(bytes);
        }
    }

    private static boolean startsLikeJson(byte[] b) {
        for (byte c : b) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            return c == '{' || c == '[';
        }
        return false;
    }

    private static String text(Body body) {
        return new String(body.bytes().get(), StandardCharsets.UTF_8);
    }

    private void json(JsonNode n, JsonPath at, SkippedStrings skip, int depth) {
        if (depth > 64) {
            complete = false;
            return;
        }
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                value("json_keys", "json_keys", e.getKey());
                at.enter(e.getKey());
                json(e.getValue(), at, skip, depth + 1);
                at.leave();
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                at.enter(i);
                json(n.get(i), at, skip, depth + 1);
                at.leave();
            }
        } else if (!n.isNull() && !(n.isTextual() && skip.contains(n, at))) {
            jsonValue(at, n.asText());
        }
    }

    /** Reads repeated keys without complaint: here every copy is a value to inspect. */
    private static final JsonFactory LENIENT = new JsonFactory();

    /**
     * A JSON body that is no tree — it repeats a key in one object, which the shared parse refuses — read token by
     * token, every copy of every key and value inspected, decoded as JSON decodes it ({@code \u0055NION} is UNION to
     * every parser behind Bastion, so it must be to the rules). False when it is not JSON at all (then the caller
     * inspects the raw text; values read before the error were inspected too).
     */
    private boolean jsonTokens(byte[] bytes) {
        try (JsonParser p = LENIENT.createParser(bytes)) {
            if (p.nextToken() == null) return false;
            tokens(p, new JsonPath(), 0);
            return p.nextToken() == null;
        } catch (java.io.IOException e) { // JacksonException included
            return false;
        }
    }

    private void tokens(JsonParser p, JsonPath at, int depth) throws java.io.IOException {
        JsonToken t = p.currentToken();
        if (depth > 64) {
            complete = false;
            p.skipChildren();
            return;
        }
        switch (t) {
            case START_OBJECT -> {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    value("json_keys", "json_keys", key);
                    p.nextToken();
                    at.enter(key);
                    tokens(p, at, depth + 1);
                    at.leave();
                }
            }
            case START_ARRAY -> {
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    at.enter(i++);
                    tokens(p, at, depth + 1);
                    at.leave();
                }
            }
            case VALUE_NULL -> { }
            default -> jsonValue(at, p.getText());
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
        List<RequestTargets.Target> found = new ArrayList<>();
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
                            found.add(new RequestTargets.Target("body", at + "/@" + r.getAttributeLocalName(i), r.getAttributeValue(i)));
                        }
                    }
                    case javax.xml.stream.XMLStreamConstants.END_ELEMENT -> path.removeLast();
                    case javax.xml.stream.XMLStreamConstants.CHARACTERS, javax.xml.stream.XMLStreamConstants.CDATA -> {
                        if (!r.isWhiteSpace()) found.add(new RequestTargets.Target("body", "xml:/" + String.join("/", path), r.getText()));
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
        for (RequestTargets.Target x : found) value(x.kind(), x.name().toLowerCase(Locale.ROOT), x.value());
        return true;
    }

    /** {@code a=1&b=2}: names and values, still percent-encoded (rules decode). */
    private void form(String s) {
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            String decodedName = Transform.URL_DECODE_UNI.apply(name).toLowerCase(Locale.ROOT);
            value("args_names", "args_names", name);
            value("args", "args:" + decodedName, value);
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
            value("body", "body", body);
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
            if (name != null) value("args_names", "args_names", name);
            if (file != null) {
                value("files", "files", file);
                if (name != null) value("files_names", "files_names", name);
            }
            for (String line : headers.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) value("multipart_headers", "multipart_headers:" + line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            value("args", "args:" + (name == null ? "" : name.toLowerCase(Locale.ROOT)), value);
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
            value("cookie_names", "cookie_names", name);
            value("cookies", "cookies:" + name.toLowerCase(Locale.ROOT), eq < 0 ? "" : part.substring(eq + 1).strip());
        }
    }
}
