package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Bot control's deployment-wide settings (docs/bots.md). A route's {@code bots} block chooses its mode; a route
 * without one gets {@code mode} from here.
 *
 * @param mode            the default for routes without a {@code bots} block: {@code off} (default), {@code allow},
 *                        {@code flag}, {@code challenge} or {@code block}
 * @param threshold       the score at which a request counts as automated; default 50 (one strong signal)
 * @param ratePerMinute   requests per client address per minute above which {@code rate_high} is raised; default 120
 * @param challengeTtl    how long a solved challenge's cookie is valid; default 30m (at most 24h)
 * @param challengeKey    a secret reference to a Tink MAC keyset (HMAC-SHA256) that signs challenge cookies and
 *                        proof-of-work challenges; absent: a key derived from {@code tokens.master_key} (every node
 *                        shares it), or without one a key made at start, good only on the node that made it
 * @param verifyTtl       how long a verified-bot DNS answer (confirmed or not) is cached per address; default 1h
 * @param challenge       what the challenge page asks of a browser: {@code pow} (default: a proof of work its script
 *                        solves) or {@code cookie} (a cookie and a reload, no script)
 * @param powDifficulty   leading zero bits the proof of work's SHA-256 must have; default 16 (about 65,000 hashes),
 *                        8 to 24
 * @param navigationWindow how long a document load from a client (address and user agent) counts for its later
 *                        same-origin fetches ({@code navigation_missing}); default 30m, at most 24h
 */
public record BotsConfig(Mode mode, Integer threshold, Integer ratePerMinute, Duration challengeTtl, SecretRef challengeKey, Duration verifyTtl,
                         Challenge challenge, Integer powDifficulty, Duration navigationWindow) {
    public static final BotsConfig DEFAULTS = new BotsConfig(null, null, null, null, null, null, null, null, null);

    /**
     * What the challenge page asks. A proof of work needs a browser that runs script (WebCrypto, so HTTPS or
     * loopback), which most cookie-keeping scripts do not; a cookie challenge needs only cookies and a reload.
     */
    public enum Challenge {
        @JsonProperty("pow") POW,
        @JsonProperty("cookie") COOKIE
    }

    /** What a route does with a request the signals call automated. */
    public enum Mode {
        @JsonProperty("off") OFF,
        @JsonProperty("allow") ALLOW,
        @JsonProperty("flag") FLAG,
        @JsonProperty("challenge") CHALLENGE,
        @JsonProperty("block") BLOCK;

        /** YAML 1.1 reads a bare {@code off} as false: {@code mode: off} must still mean off. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Mode of(Object value) {
            if (Boolean.FALSE.equals(value)) return OFF;
            for (Mode m : values()) if (m.name().equalsIgnoreCase(String.valueOf(value))) return m;
            throw new IllegalArgumentException("mode: '" + value + "' (expected: off, allow, flag, challenge or block)");
        }
    }

    public BotsConfig {
        mode = mode == null ? Mode.OFF : mode;
        threshold = threshold == null ? 50 : threshold;
        if (threshold < 1 || threshold > 1000) throw new IllegalArgumentException("threshold: " + threshold + " (expected: 1 to 1000)");
        ratePerMinute = ratePerMinute == null ? 120 : ratePerMinute;
        if (ratePerMinute < 1) throw new IllegalArgumentException("rate_per_minute: " + ratePerMinute + " (expected: > 0)");
        challengeTtl = challengeTtl == null ? Duration.ofMinutes(30) : challengeTtl;
        EdgeConfig.requirePositive("challenge_ttl", challengeTtl);
        if (challengeTtl.compareTo(Duration.ofHours(24)) > 0) throw new IllegalArgumentException("challenge_ttl: " + challengeTtl + " (expected: at most 24h)");
        verifyTtl = verifyTtl == null ? Duration.ofHours(1) : verifyTtl;
        EdgeConfig.requirePositive("verify_ttl", verifyTtl);
        challenge = challenge == null ? Challenge.POW : challenge;
        powDifficulty = powDifficulty == null ? 16 : powDifficulty;
        // under 8 bits costs a script nothing; over 24 keeps a slow phone busy for minutes
        if (powDifficulty < 8 || powDifficulty > 24) throw new IllegalArgumentException("pow_difficulty: " + powDifficulty + " (expected: 8 to 24)");
        navigationWindow = navigationWindow == null ? Duration.ofMinutes(30) : navigationWindow;
        EdgeConfig.requirePositive("navigation_window", navigationWindow);
        if (navigationWindow.compareTo(Duration.ofHours(24)) > 0) throw new IllegalArgumentException("navigation_window: " + navigationWindow + " (expected: at most 24h)");
    }

    /**
     * A route's bot policy.
     *
     * @param mode      {@code off}, {@code allow} (scored and recorded, never refused), {@code flag} (the decision on the
     *                  access line and in metrics), {@code challenge} or {@code block}; default {@code bots.mode}
     * @param threshold this route's score threshold; default {@code bots.threshold}
     */
    public record Route(Mode mode, Integer threshold) {
        public Route {
            if (threshold != null && (threshold < 1 || threshold > 1000)) throw new IllegalArgumentException("threshold: " + threshold + " (expected: 1 to 1000)");
        }
    }
}
