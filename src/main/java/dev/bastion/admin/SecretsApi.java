package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.secrets.SecretStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Supplier;

/** {@code GET /admin/v1/secrets} (operator): what {@code bastion secrets status --json} prints for the running config — never a value. */
public final class SecretsApi {
    private SecretsApi() {}

    public static LocalEndpoint endpoint(Vertx vertx, Supplier<BastionConfig> running, SecretResolver resolver, Clock clock) {
        // on a worker: a remote store is read; why one could not be is the row's state, not its message (which names the store)
        return ex -> AdminAnswers.blocking(vertx, ex, id -> answer(200, new JsonObject(SecretStatus.json(SecretStatus.of(running.get(), resolver, clock.instant(), why -> {})))));
    }
}
