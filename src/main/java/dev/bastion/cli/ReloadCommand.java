package dev.bastion.cli;

import dev.bastion.config.SecretRef;
import dev.bastion.secrets.SecretResolver;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion reload}: asks a running gateway, through its admin API ({@code POST /admin/v1/reload}), to load its
 * config file again. The gateway validates it as at start and swaps it in, or refuses it and keeps the running one;
 * the problems are in the gateway's log (the answer names their YAML paths only).
 */
@Command(name = "reload", description = "Make a running gateway reload its config file (through the admin API).", mixinStandardHelpOptions = true)
public final class ReloadCommand implements Callable<Integer> {
    @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:9090", description = "The gateway's admin listener (default: ${DEFAULT-VALUE}).")
    URI admin;

    @Option(names = "--key", paramLabel = "REF", defaultValue = "env:BASTION_ADMIN_KEY",
            description = "An API key or Bastion token with the operator scope, as env:NAME or file:PATH (default: ${DEFAULT-VALUE}).")
    String key;

    @Override
    public Integer call() {
        String credential = new SecretResolver().resolve(SecretRef.parse(key), "--key").reveal();
        HttpRequest request = HttpRequest.newBuilder(admin.resolve("/admin/v1/reload")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach the admin listener at " + admin + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonObject body;
        try {
            body = new JsonObject(response.body());
        } catch (DecodeException e) {
            throw new CliException("the admin listener answered " + response.statusCode() + " without JSON");
        }
        if (response.statusCode() == 200) {
            System.out.println("reloaded (config sha256 " + body.getString("config_sha256") + ")");
            return 0;
        }
        JsonObject error = body.getJsonObject("error", new JsonObject());
        throw new CliException("reload refused (" + response.statusCode() + " " + error.getString("code") + "): " + error.getString("message"));
    }
}
