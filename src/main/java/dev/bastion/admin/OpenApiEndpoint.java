package dev.bastion.admin;

import dev.bastion.chain.LocalEndpoint;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /admin/v1/openapi.yaml}: the admin API's OpenAPI 3.1 document, as shipped in the jar. It needs no
 * credentials: it describes only what the open-source jar already holds (no org, key or config value), and a client
 * generator or an operator reads it before having a key. The listener's framing and path checks still apply.
 */
public final class OpenApiEndpoint {
    public static final String PATH = "/admin/v1/openapi.yaml";
    static final String RESOURCE = "/admin/openapi.yaml";
    // RFC 9512's media type; cacheable for a while since it changes only with the jar
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/yaml", "Cache-Control", "max-age=300");

    private OpenApiEndpoint() {}

    /** @throws UncheckedIOException the document is missing from the jar (a packaging bug: fail at start, not per request) */
    public static LocalEndpoint of() {
        String document;
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException(RESOURCE + " is not on the classpath");
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ex -> Future.succeededFuture(LocalEndpoint.answer(200, HEADERS, document));
    }
}
