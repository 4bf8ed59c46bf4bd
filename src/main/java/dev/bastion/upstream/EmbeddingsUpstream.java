package dev.bastion.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.EmbeddingsProvider;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One deployment of an embeddings model (U1): the sibling of {@link ProviderUpstream} for
 * {@code /v1/embeddings}. The request as the controls left it (OpenAI's embeddings format) is translated to
 * the provider's and sent through the deployment's upstream — which adds the key, the timeouts and the
 * connector's egress rules — and the whole answer comes back as OpenAI's list of vectors, so nothing after
 * the forward step knows which provider answered.
 */
public final class EmbeddingsUpstream implements Upstream {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Upstream upstream;
    private final EmbeddingsProvider provider;
    private final String model;
    private final RequestAuth auth;

    /** @param auth the deployment's own credential (Bedrock's SigV4, Vertex's token), applied by the upstream last; or null */
    public EmbeddingsUpstream(Upstream upstream, EmbeddingsProvider provider, String model, RequestAuth auth) {
        this.upstream = upstream;
        this.provider = provider;
        this.model = model;
        this.auth = auth;
    }

    @Override
    public String name() {
        return upstream.name();
    }

    @Override
    public Future<UpstreamResult> send(UpstreamRequest r) {
        ObjectNode request;
        try {
            request = r.body() == null ? null : MAPPER.readTree(r.body().getBytes()) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            request = null;
        }
        if (request == null) return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "the request body is not a JSON object"));
        EmbeddingsProvider.Call call;
        try {
            call = provider.call(request, model);
        } catch (ChatProvider.UntranslatableRequest e) { // checked by the model step before; a control's edit made it so
            return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "the request became untranslatable after the controls' edits"));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("Content-Type", "application/json");
        headers.set("Accept", "application/json");
        if (call.translates()) headers.set("Accept-Encoding", "identity"); // read here, whatever the filters need
        return upstream.send(r.translated(call.path(), call.body(), headers, auth)).map(result -> switch (result) {
            case UpstreamFailure f -> f;
            case UpstreamResponse up -> call.translates() ? translated(up, call) : up;
        });
    }

    private static UpstreamResponse translated(UpstreamResponse up, EmbeddingsProvider.Call call) {
        MultiMap received = up.headers().copy();
        up.headers().remove("Content-Length");
        up.headers().set("Content-Type", "application/json");
        int status = up.status();
        return up.withBody(TranslatedBody.whole(up.body(), body -> call.answer(status, received, body)));
    }
}
