package dev.bastion.mediaurl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.EgressConfig.MediaUrls;
import dev.bastion.egress.AddressClass;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.egress.WhatwgUrl;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * URLs in a prompt that the model server will fetch (S1): Bastion never fetches them, but a self-hosted
 * model server (vLLM, SGLang, Ollama behind an OpenAI-style API) fetches an {@code image_url} from inside the
 * network — so {@code http://169.254.169.254/…} in a prompt is an SSRF through the gateway. Under
 * {@code egress.media_urls: public} (the default) an http(s) URL passes when its host, resolved through the
 * resolver every outbound call uses, has only public addresses or addresses in {@code egress.allow_private};
 * IP literals in every spelling ({@code 0x7f.1}, {@code [::ffff:127.0.0.1]}) are read as the WHATWG URL
 * Standard reads them. Other schemes, user info, and names that do not resolve are refused; {@code data:}
 * URLs are inline content and pass. Under {@code inline} only {@code data:} URLs pass.
 *
 * <p>What it cannot do: the model server resolves the name again when it fetches, so a name whose DNS
 * answers change between the two lookups (rebinding) can pass, and a redirect from a public URL is followed
 * by the server unseen; a self-hosted server should also be given its own allow-list of media domains.
 */
public final class MediaUrlControl implements Control {
    /** Distinct hosts resolved for one request at most: each is a DNS lookup. */
    static final int MAX_HOSTS = 16;

    private final MediaUrls mode;
    private final OutboundConnector connector;
    private final OutboundConnector.AddressGate gate;

    public MediaUrlControl(MediaUrls mode, OutboundConnector connector, OutboundConnector.AddressGate gate) {
        this.mode = mode;
        this.connector = connector;
        this.gate = gate;
    }

    @Override
    public Stage stage() {
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "media_urls";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        JsonNode body = ex.json() == null ? null : ex.json().tree();
        // A repeated key hides a second copy of a part this walk cannot see: refused here too, so a route
        // with no other control that reads the body (guard off, no budget) does not pass it on unread.
        if (ex.json() != null && ex.json().duplicateKey()) return new Verdict.Deny(400, "invalid_llm_request", JsonBody.DUPLICATE_KEY).future();
        if (body == null || !body.isObject()) return Verdict.ALLOWED; // not JSON: no model server reads a URL in it
        List<PromptUrls.Found> urls = PromptUrls.in(body);
        if (urls.isEmpty()) return Verdict.ALLOWED;
        Map<String, String> hosts = new LinkedHashMap<>(); // host → the pointer of its first URL
        for (PromptUrls.Found f : urls) {
            String url = f.url().strip();
            if (url.regionMatches(true, 0, "data:", 0, 5)) continue;
            if (mode == MediaUrls.INLINE) return refuse(f, "is not a data: URL; this gateway sends media inline only").future();
            WhatwgUrl parsed;
            try {
                parsed = WhatwgUrl.parse(url);
            } catch (IllegalArgumentException e) {
                return refuse(f, "is not a valid URL").future();
            }
            if (!parsed.scheme().equals("http") && !parsed.scheme().equals("https")) return refuse(f, "is not an http(s) or data: URL").future();
            if (parsed.userinfo()) return refuse(f, "carries credentials").future();
            switch (parsed.host()) {
                case WhatwgUrl.Ipv4 v4 -> {
                    AddressClass c = gate.refusal(v4.serialize(), List.of(v4.bytes()));
                    if (c != null) return refused(f, c).future();
                }
                case WhatwgUrl.Ipv6 v6 -> {
                    AddressClass c = gate.refusal(v6.serialize(), List.of(v6.bytes()));
                    if (c != null) return refused(f, c).future();
                }
                case WhatwgUrl.Domain d -> hosts.putIfAbsent(d.name(), f.pointer());
                case WhatwgUrl.Opaque o -> {
                    return refuse(f, "has no host").future();
                }
            }
        }
        if (hosts.isEmpty()) return Verdict.ALLOWED;
        if (hosts.size() > MAX_HOSTS) {
            return new Verdict.Deny(400, "media_url_refused", "The request names media on more than " + MAX_HOSTS + " hosts.").future();
        }
        List<Future<Verdict>> judged = new ArrayList<>(hosts.size());
        hosts.forEach((host, pointer) -> judged.add(connector.judge(host, gate).transform(r -> {
            if (r.failed()) return refuse(pointer, "has a host that does not resolve").future();
            return r.result() == null ? Verdict.ALLOWED : refused(pointer, r.result()).future();
        })));
        return Future.all(judged).map(all -> {
            for (int i = 0; i < all.size(); i++) if (all.resultAt(i) instanceof Verdict.Deny deny) return deny;
            return Verdict.ALLOW;
        });
    }

    private static Verdict.Deny refused(PromptUrls.Found f, AddressClass c) {
        return refused(f.pointer(), c);
    }

    private static Verdict.Deny refused(String pointer, AddressClass c) {
        return refuse(pointer, "points to a " + c.label().replace('_', ' ') + " address, which the model server must not fetch");
    }

    private static Verdict.Deny refuse(PromptUrls.Found f, String why) {
        return refuse(f.pointer(), why);
    }

    /** The pointer says where; the URL itself is the caller's content and is not repeated. */
    private static Verdict.Deny refuse(String pointer, String why) {
        return new Verdict.Deny(400, "media_url_refused", "The URL at " + pointer + " " + why + ".");
    }
}
