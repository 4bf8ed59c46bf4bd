package dev.bastion.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One deployment of a model (U1, U2): the request as the controls left it (OpenAI's chat format) is
 * translated to the provider's wire format and sent through the deployment's upstream — which adds the
 * key, the timeouts and the connector's egress rules — and the answer comes back translated, so nothing
 * after the forward step knows which provider answered. The answer names the deployment's model.
 */
public final class ProviderUpstream implements Upstream {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Upstream upstream;
    private final ChatProvider provider;
    private final String model;
    private final RequestAuth auth;

    public ProviderUpstream(Upstream upstream, ChatProvider provider, String model) {
        this(upstream, provider, model, null);
    }

    /** @param auth the deployment's own credential (Bedrock's SigV4, Vertex's token), applied by the upstream last; or null */
    public ProviderUpstream(Upstream upstream, ChatProvider provider, String model, RequestAuth auth) {
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
        ObjectNode chat;
        try {
            chat = r.body() == null ? null : MAPPER.readTree(r.body().getBytes()) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            chat = null;
        }
        if (chat == null) return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "the request body is not a JSON object"));
        boolean stream = chat.path("stream").asBoolean(false);
        // What the upstream-bound body asks for (the budget's meter asks, and strips it for a client that did not).
        boolean usageChunk = chat.path("stream_options").path("include_usage").asBoolean(false);
        Buffer body;
        try {
            body = provider.request(chat, model);
        } catch (ChatProvider.UntranslatableRequest e) { // checked by the model step before; a control's edit made it so
            // Not the message: it may quote the client's field names, and this detail goes to the log.
            return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "the request became untranslatable after the controls' edits"));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("Content-Type", "application/json");
        headers.set("Accept", stream ? "text/event-stream" : "application/json");
        provider.headers(headers, stream);
        // A translated answer, and every stream (checked for its end), is read here whatever the filters need.
        if (provider.translates() || stream) headers.set("Accept-Encoding", "identity");
        return upstream.send(r.translated(provider.path(model, stream), body, headers, auth)).map(result -> switch (result) {
            case UpstreamFailure f -> f;
            case UpstreamResponse up when !provider.translates() && !stream && up.status() / 100 == 2 && !json(up.headers()) -> {
                // Not an answer (a proxy's maintenance page): a failed attempt, never a 200 the client cannot read.
                up.abort();
                yield new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "a 2xx answer that is not JSON");
            }
            // An OpenAI-format stream is checked for its end on the way; whole OpenAI answers pass as they are.
            case UpstreamResponse up -> provider.translates() || (stream && up.status() / 100 == 2) ? translated(up, stream, usageChunk) : up;
        });
    }

    /** A JSON content type, or none said (then the answer passes; a client reads what a provider without one sent). */
    private static boolean json(MultiMap headers) {
        String type = headers.get("Content-Type");
        return type == null || type.toLowerCase(java.util.Locale.ROOT).contains("json");
    }

    private UpstreamResponse translated(UpstreamResponse up, boolean stream, boolean usageChunk) {
        boolean events = stream && up.status() / 100 == 2;
        MultiMap headers = up.headers();
        headers.remove("Content-Length");
        headers.set("Content-Type", events ? "text/event-stream" : "application/json");
        TranslatedBody body = events ? TranslatedBody.stream(up.body(), provider, model, usageChunk)
                : TranslatedBody.whole(up.body(), provider, up.status(), headers.copy(), model);
        return up.withBody(body);
    }
}
