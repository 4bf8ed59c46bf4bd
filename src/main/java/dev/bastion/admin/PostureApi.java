package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.posture.Posture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Supplier;

/** {@code GET /admin/v1/posture} (operator): the rows {@code bastion check --posture --json} prints, for the config running now. */
public final class PostureApi {
    private PostureApi() {}

    public static LocalEndpoint endpoint(Vertx vertx, Supplier<BastionConfig> running, Clock clock) {
        // on a worker: the check reads certificate files
        return ex -> AdminAnswers.blocking(vertx, ex, id -> answer(200, new JsonObject(Posture.check(running.get(), clock.instant()).json())));
    }
}
