package dev.bastion.admin;

import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/** {@code GET /admin/v1/whoami}: who the credential is and which role it holds, so a console or script can adapt to it. */
public final class WhoamiApi {
    private WhoamiApi() {}

    public static LocalEndpoint endpoint() {
        return ex -> {
            Identity id = ex.identity();
            if (id == null) return Future.failedFuture(new IllegalStateException("admin endpoint reached without a caller"));
            AdminRole role = AdminRole.of(id).orElseThrow();
            Verdict v = AdminAnswers.answer(200, new JsonObject().put("subject", id.subject()).put("org", id.orgId())
                    .put("role", role == AdminRole.OPERATOR ? "operator" : "org_admin")
                    .put("scopes", new JsonArray(List.copyOf(new TreeSet<>(id.scopes())))).put("credential_type", id.credentialType()));
            return Future.succeededFuture(v);
        };
    }
}
