package dev.bastion.mediaurl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.EgressConfig.MediaUrls;
import dev.bastion.egress.AddressClass;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.egress.UrlFetcher;
import dev.bastion.egress.WhatwgUrl;
import dev.bastion.llm.PromptText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>What {@code public} cannot do: the model server resolves the name again when it fetches, so a name whose DNS
 * answers change between the two lookups (rebinding) can pass, and a redirect from a public URL is followed
 * by the server unseen. Under {@code fetch} nothing is left to the server: Bastion fetches each URL itself through
 * the {@link UrlFetcher} (the addresses it dials are the ones judged, every redirect is judged again, the content type
 * must fit the part, the size is bounded) and sends the content inline as a {@code data:} URL.
 */
public final class MediaUrlControl implements Control {
    /** Distinct hosts resolved for one request at most: each is a DNS lookup. */
    static final int MAX_HOSTS = 16;
    /** Under {@code fetch}: URLs fetched for one request at most, the most one may bring, and all of them together. */
    static final int MAX_FETCHES = 16;
    static final long MAX_BYTES_PER_URL = 20L << 20; // OpenAI's own limit for one image
    static final long MAX_BYTES_PER_REQUEST = 50L << 20; // ...and for a request's images together
    /** Bytes every request's fetches may hold at once in this process: a small request must not make it hold gigabytes. */
    static final long MAX_BYTES_IN_FLIGHT = 256L << 20;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int FETCH_REDIRECTS = 3;
    /** Connections to arbitrary hosts are not worth keeping long. */
    private static final ClientProfile PROFILE = new ClientProfile("media", Duration.ofSeconds(5), 16, Duration.ofSeconds(10), 16 * 1024, false);
    /** What each part may hold, as a model server would read it. */
    private static final Map<String, List<String>> TYPES = Map.of("image_url", List.of("image/*"), "audio_url", List.of("audio/*"),
            "video_url", List.of("video/*"), "file_url", List.of("application/pdf", "text/plain", "image/*"),
            "document_url", List.of("application/pdf", "text/plain", "image/*"));

    private final MediaUrls mode;
    private final OutboundConnector connector;
    private final OutboundConnector.AddressGate gate;
    private final UrlFetcher fetcher;
    private final AtomicLong inFlight = new AtomicLong();

    public MediaUrlControl(Vertx vertx, MediaUrls mode, OutboundConnector connector, OutboundConnector.AddressGate gate) {
        this.mode = mode;
        this.connector = connector;
        this.gate = gate;
        this.fetcher = mode == MediaUrls.FETCH ? new UrlFetcher(vertx, connector, PROFILE) : null;
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
        if (mode == MediaUrls.FETCH) return fetchAll(ex, urls);
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

    /**
     * Fetches every http(s) URL (in parallel, each with an equal share of the request's bytes) and has the upstream get
     * their content as data: URLs, in place of the URLs; the controls after this one still read what the client sent.
     */
    private Future<Verdict> fetchAll(Exchange ex, List<PromptUrls.Found> urls) {
        List<PromptUrls.Found> remote = new ArrayList<>(urls.size());
        for (PromptUrls.Found f : urls) if (!f.url().strip().regionMatches(true, 0, "data:", 0, 5)) remote.add(f);
        if (remote.isEmpty()) return Verdict.ALLOWED;
        if (remote.size() > MAX_FETCHES) {
            return new Verdict.Deny(400, "media_url_refused", "The request names more than " + MAX_FETCHES + " media URLs.").future();
        }
        long share = Math.min(MAX_BYTES_PER_URL, MAX_BYTES_PER_REQUEST / remote.size());
        long reserved = share * remote.size();
        if (inFlight.addAndGet(reserved) > MAX_BYTES_IN_FLIGHT) {
            inFlight.addAndGet(-reserved);
            return new Verdict.Deny(503, "media_fetch_busy", "Too many media URLs are being fetched right now; retry shortly.").future();
        }
        List<Future<UrlFetcher.Result>> fetches = new ArrayList<>(remote.size());
        for (PromptUrls.Found f : remote) {
            UrlFetcher.Rules rules = new UrlFetcher.Rules(List.of("http", "https"), List.of(), List.of(), null, TYPES.get(f.field()), share,
                    FETCH_REDIRECTS, FETCH_TIMEOUT, gate);
            fetches.add(fetcher.fetch(f.url().strip(), rules));
        }
        return Future.join(fetches).transform(done -> {
            inFlight.addAndGet(-reserved);
            Map<String, String> inline = new LinkedHashMap<>();
            for (int i = 0; i < remote.size(); i++) {
                UrlFetcher.Result r = fetches.get(i).result();
                if (r == null || !r.fetched()) return unfetchable(remote.get(i).pointer(), r).future();
                if (r.body().length() == 0) {
                    return new Verdict.Deny(400, "media_url_unfetchable", "The URL at " + remote.get(i).pointer() + " answered with nothing.").future();
                }
                inline.put(remote.get(i).pointer(), "data:" + r.mediaType() + ";base64," + Base64.getEncoder().encodeToString(r.body().getBytes()));
            }
            ex.json().beforeSend(tree -> inline.forEach((pointer, data) -> PromptText.replace(tree, pointer, data)));
            return Verdict.ALLOWED;
        });
    }

    /** A URL's fetch failed: a refused address or scheme is the policy's refusal; the rest, a URL that did not serve media. */
    private static Verdict.Deny unfetchable(String pointer, UrlFetcher.Result r) {
        if (r == null) return new Verdict.Deny(400, "media_url_unfetchable", "The URL at " + pointer + " could not be fetched.");
        UrlFetcher.Failure f = r.failure();
        String code = switch (f.code()) {
            case "egress_denied", "invalid_url", "fetch_scheme_not_allowed" -> "media_url_refused";
            default -> "media_url_unfetchable";
        };
        return new Verdict.Deny(400, code, "The URL at " + pointer + ": " + f.message());
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
