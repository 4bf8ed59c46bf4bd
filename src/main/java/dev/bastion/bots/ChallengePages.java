package dev.bastion.bots;

import dev.bastion.chain.Verdict;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The two challenge pages, both 403 {@code text/html}, never cached, never indexed. Neither loads anything: the
 * cookie page is markup only, and the proof-of-work page's one inline script is allowed by its own
 * {@code Content-Security-Policy} through the script's hash (the script is constant; the challenge is in a data
 * attribute), so the page runs under a policy that allows nothing else.
 */
final class ChallengePages {
    /**
     * Finds a counter whose SHA-256 of {@code challenge + "." + counter} has the page's leading zero bits
     * (WebCrypto), leaves {@code challenge.counter} in the {@code __bastion_pow} cookie and reloads. Gives up with a
     * message after three tries in a minute, so a browser whose answer keeps failing (its address changes between
     * requests) does not reload forever. WebCrypto exists only in secure contexts: over plain HTTP to another
     * host the page says so.
     */
    static final String SCRIPT = "(async()=>{const d=document.documentElement.dataset,c=d.challenge,bits=+d.bits,"
            + "say=t=>{document.getElementById(\"m\").textContent=t};"
            + "if(!window.crypto||!crypto.subtle){say(\"This check needs a secure (HTTPS) connection.\");return}"
            + "try{const k=\"bastion_pow\",a=JSON.parse(sessionStorage.getItem(k)||\"[]\").filter(x=>Date.now()-x<60000);"
            + "if(a.length>=3){say(\"The check did not succeed. Please try again later.\");return}"
            + "a.push(Date.now());sessionStorage.setItem(k,JSON.stringify(a))}catch(e){}"
            + "const e=new TextEncoder();"
            + "for(let n=0;;n++){const h=new Uint8Array(await crypto.subtle.digest(\"SHA-256\",e.encode(c+\".\"+n)));"
            + "let z=0;for(const b of h){if(b===0){z+=8;continue}z+=Math.clz32(b)-24;break}"
            + "if(z>=bits){document.cookie=\"" + BotControl.POW_COOKIE + "=\"+c+\".\"+n+\"; path=/; max-age=300; samesite=lax\""
            + "+(location.protocol===\"https:\"?\"; secure\":\"\");location.reload();return}}})();";
    static final String SCRIPT_HASH = "sha256-" + Base64.getEncoder().encodeToString(ChallengeTokens.sha256(SCRIPT.getBytes(StandardCharsets.UTF_8)));
    private static final String CSP = "default-src 'none'; script-src '" + SCRIPT_HASH + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ChallengePages() {}

    /** The proof-of-work page for {@code challenge} (base64url, digits and dots: nothing to escape). */
    static Verdict pow(String challenge, int bits) {
        String html = "<!doctype html><html data-challenge=\"" + challenge + "\" data-bits=\"" + bits + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>One moment…</title></head><body>"
                + "<p id=\"m\">Checking your browser. This takes a few seconds.</p>"
                + "<noscript><p>This site asks your browser to run a short check in JavaScript before it continues. "
                + "Turn on JavaScript for this site, then reload the page.</p></noscript>"
                + "<script>" + SCRIPT + "</script></body></html>";
        return page("pow", html, List.of(Map.entry("Content-Security-Policy", CSP)));
    }

    /**
     * The cookie page: sets {@code passCookie} and reloads {@code back} (the request's own path, HTML-escaped) with
     * {@code <meta http-equiv="refresh">} — no script at all.
     */
    static Verdict cookie(String passCookie, String back) {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + back + "\"><title>One moment…</title></head>"
                + "<body><p>Checking your browser. If nothing happens, <a href=\"" + back + "\">continue</a>.</p></body></html>";
        return page("cookie", html, List.of(Map.entry("Set-Cookie", passCookie)));
    }

    private static Verdict page(String kind, String html, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(Map.entry("Content-Type", "text/html; charset=utf-8"),
                Map.entry("Cache-Control", "no-store"), Map.entry("X-Bastion-Challenge", kind)));
        headers.addAll(extra);
        return new Verdict.Respond(403, List.copyOf(headers), Buffer.buffer(html));
    }
}
