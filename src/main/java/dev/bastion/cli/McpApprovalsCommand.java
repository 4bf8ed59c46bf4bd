package dev.bastion.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bastion mcp approvals list | approve ID | deny ID}: the tool calls waiting for an operator, through the admin
 * API of the node that holds them (they are held in that node's memory, so the CLI asks a node, not the database).
 * The admin key comes from {@code BASTION_ADMIN_KEY} (or {@code --key-env NAME}, or {@code --key-file PATH}), never
 * from the command line, where it would end up in the shell's history and the process list.
 */
@Command(name = "approvals", description = "List, approve or deny MCP tool calls waiting for an operator.", mixinStandardHelpOptions = true,
        subcommands = {McpApprovalsCommand.ListPending.class, McpApprovalsCommand.Approve.class, McpApprovalsCommand.Deny.class})
public final class McpApprovalsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the admin API is and the key it takes. */
    static final class AdminOptions {
        @Option(names = "--admin-url", defaultValue = "http://127.0.0.1:9090", description = "The node's admin listener (default: ${DEFAULT-VALUE}).")
        URI adminUrl;
        @Option(names = "--key-env", defaultValue = "BASTION_ADMIN_KEY", description = "The environment variable holding an admin-scoped API key (default: ${DEFAULT-VALUE}).")
        String keyEnv;
        @Option(names = "--key-file", description = "A file holding the admin key instead (its first line).")
        java.nio.file.Path keyFile;

        private String key() {
            if (keyFile != null) {
                try {
                    return java.nio.file.Files.readAllLines(keyFile).stream().findFirst().orElse("").strip();
                } catch (java.io.IOException e) {
                    throw new CliException("The key file " + keyFile + " cannot be read.");
                }
            }
            String key = System.getenv(keyEnv);
            if (key == null || key.isBlank()) throw new CliException("Set " + keyEnv + " to an API key with the admin scope (or pass --key-file).");
            return key;
        }

        HttpResponse<String> send(String method, String path, String body) {
            String key = key();
            HttpRequest.Builder b = HttpRequest.newBuilder(adminUrl.resolve(path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key);
            b = body == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new CliException("The admin API at " + adminUrl + " could not be reached (" + e.getClass().getSimpleName() + ").");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("Interrupted.");
            }
        }
    }

    /** The admin API's refusal, as its code and message (its JSON error shape), or the status alone. */
    static String refusal(HttpResponse<String> r) {
        try {
            JsonObject e = new JsonObject(r.body()).getJsonObject("error");
            return r.statusCode() + " " + e.getString("code") + ": " + e.getString("message");
        } catch (RuntimeException e) {
            return "HTTP " + r.statusCode();
        }
    }

    @Command(name = "list", description = "List the calls waiting for approval in your org.", mixinStandardHelpOptions = true)
    static final class ListPending implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;

        @Override
        public Integer call() {
            JsonArray items = new JsonArray();
            String cursor = null;
            do { // every page: {items, next_cursor}
                HttpResponse<String> r = admin.send("GET", "/admin/v1/mcp/approvals?limit=500" + (cursor == null ? "" : "&cursor=" + cursor), null);
                if (r.statusCode() != 200) throw new CliException(refusal(r));
                JsonObject page = new JsonObject(r.body());
                items.addAll(page.getJsonArray("items"));
                cursor = page.getString("next_cursor");
            } while (cursor != null);
            PrintWriter out = spec.commandLine().getOut();
            if (items.isEmpty()) out.println("No calls are waiting for approval.");
            for (int i = 0; i < items.size(); i++) {
                JsonObject a = items.getJsonObject(i);
                out.println(a.getString("id") + "  " + a.getString("route") + "  " + a.getString("tool") + "  caller=" + a.getString("caller")
                        + "  expires=" + a.getString("expires") + "  arguments=" + a.getJsonObject("arguments").encode());
            }
            out.flush();
            return 0;
        }
    }

    /** Approve or deny one call. */
    abstract static class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;
        @Parameters(index = "0", description = "The approval's id (from list).")
        String id;

        abstract String decision();

        @Override
        public Integer call() {
            if (!id.matches("[0-9a-f-]{36}")) throw new CliException("'" + id + "' is not an approval id (see bastion mcp approvals list).");
            HttpResponse<String> r = admin.send("POST", "/admin/v1/mcp/approvals/" + id, new JsonObject().put("decision", decision()).encode());
            if (r.statusCode() != 200) throw new CliException(refusal(r));
            JsonObject a = new JsonObject(r.body());
            spec.commandLine().getOut().println((decision().equals("approve") ? "Approved " : "Denied ") + a.getString("tool") + " call " + a.getString("id") + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "approve", description = "Let a waiting call go to its server.", mixinStandardHelpOptions = true)
    static final class Approve extends Decide {
        @Override
        String decision() {
            return "approve";
        }
    }

    @Command(name = "deny", description = "Refuse a waiting call; the agent gets a JSON-RPC error.", mixinStandardHelpOptions = true)
    static final class Deny extends Decide {
        @Override
        String decision() {
            return "deny";
        }
    }
}
