package dev.bastion.console;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's pages, scripts and styles, served from the jar ({@code src/main/resources/console/}) under
 * {@code /console/}: GET and HEAD only (the route says so). A path is served only if it is a plain file name in
 * lower case, optionally under sub-folders, with a known extension: no dot segment, no encoded byte, no directory,
 * so nothing outside that folder can be named (the edge refuses dot segments before this; this is the second lock).
 * {@code /console/} is the login page, {@code /console/bootstrap} the bootstrap link's page. Pages are {@code no-store}; scripts and styles {@code no-cache} (revalidated,
 * so a new release is never half-loaded).
 */
public final class ConsoleAssets {
    public static final String PREFIX = "/console/";
    private static final Pattern FILE = Pattern.compile("(?:[a-z0-9][a-z0-9_-]{0,63}/){0,3}[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}\\.(html|js|css|svg|png|txt)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "txt", "text/plain; charset=utf-8");
    private static final Verdict.Deny NOT_FOUND = new Verdict.Deny(404, "not_found", "No such console page.");

    /** Only files that exist: a miss is not kept, so requests for made-up names cannot grow it. */
    private final Map<String, Buffer> cache = new ConcurrentHashMap<>();
    private final String root;

    public ConsoleAssets() {
        this("console/");
    }

    ConsoleAssets(String root) {
        this.root = root;
    }

    public LocalEndpoint endpoint() {
        return ex -> {
            String path = ex.path();
            String name = path.equals("/console") || path.equals(PREFIX) ? "login.html" : path.equals(PREFIX + "bootstrap") ? "bootstrap.html"
                    : path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
            if (!FILE.matcher(name).matches() || name.contains("..")) return NOT_FOUND.future();
            Buffer cached = cache.get(name);
            Optional<Buffer> body = cached != null ? Optional.of(cached) : load(name);
            if (body.isEmpty()) return NOT_FOUND.future();
            cache.putIfAbsent(name, body.get());
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String cache = ext.equals("html") ? "no-store" : "no-cache";
            return Future.succeededFuture(new Verdict.Respond(200, List.of(Map.entry("Content-Type", TYPES.get(ext)), Map.entry("Cache-Control", cache)),
                    body.get()));
        };
    }

    /**
     * Read from the class path only (never the file system); a hit is kept, since the jar does not change while running.
     * A miss is a look-up in the jar's in-memory entry table.
     */
    private Optional<Buffer> load(String name) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(root + name)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
