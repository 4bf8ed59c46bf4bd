package dev.bastion.mcp;

import dev.bastion.config.McpConfig;
import java.util.List;

/**
 * The names clients see: with namespacing, {@code server__tool}; without (one server), the server's own. A server's
 * name never holds the separator (config), and a server's tool whose name does is never exposed, so an exposed name
 * splits one way only.
 */
final class McpNames {
    private final List<String> servers;
    private final boolean namespaced;

    McpNames(McpConfig config) {
        this.servers = config.serverNames();
        this.namespaced = config.namespace();
    }

    /** A server's tool or prompt and where it goes. */
    record Target(String server, String name) {}

    boolean namespaced() {
        return namespaced;
    }

    /** Whether a server's own name can be exposed: namespaced names must not hold the separator. */
    boolean exposable(String name) {
        return name != null && !name.isEmpty() && !(namespaced && name.contains(McpConfig.SEPARATOR));
    }

    String expose(String server, String name) {
        return namespaced ? server + McpConfig.SEPARATOR + name : name;
    }

    /** Where an exposed name goes, or null when no server has that prefix (or the rest is not a plain name). */
    Target resolve(String exposed) {
        if (exposed == null) return null;
        if (!namespaced) return new Target(servers.getFirst(), exposed);
        int at = exposed.indexOf(McpConfig.SEPARATOR);
        if (at <= 0) return null;
        String server = exposed.substring(0, at), name = exposed.substring(at + McpConfig.SEPARATOR.length());
        if (!servers.contains(server) || !exposable(name)) return null;
        return new Target(server, name);
    }
}
