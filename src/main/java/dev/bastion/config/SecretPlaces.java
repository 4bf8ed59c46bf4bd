package dev.bastion.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every secret reference of a config, keyed by where it is used ({@code upstreams.openai.api_key},
 * {@code tokens.master_key}): the names {@code bastion secrets status}, {@code secrets.refs}, errors and
 * metrics use, so an operator finds the line of the config each one means.
 */
public final class SecretPlaces {
    private SecretPlaces() {}

    public static Map<String, SecretRef> of(BastionConfig c) {
        Map<String, SecretRef> out = new LinkedHashMap<>();
        if (c.store().password() != null) out.put("store.password", c.store().password());
        if (c.redis() != null && c.redis().password() != null) out.put("redis.password", c.redis().password());
        if (c.tokens().masterKey() != null) out.put("tokens.master_key", c.tokens().masterKey());
        c.upstreams().forEach((name, u) -> {
            List<SecretRef> keys = u.apiKeys();
            for (int i = 0; i < keys.size(); i++) out.put(upstreamKey(name, u, i), keys.get(i));
            if (u.hmacSecret() != null) out.put("upstreams." + name + ".hmac_secret", u.hmacSecret());
            AwsCredentialsConfig aws = u.awsCredentials();
            if (aws != null) {
                String at = "upstreams." + name + ".aws_credentials.";
                out.put(at + "access_key_id", aws.accessKeyId());
                out.put(at + "secret_access_key", aws.secretAccessKey());
                if (aws.sessionToken() != null) out.put(at + "session_token", aws.sessionToken());
            }
            if (u.googleServiceAccountKey() != null) out.put("upstreams." + name + ".google_service_account_key", u.googleServiceAccountKey());
            if (u.tlsSettings() != null && u.tlsSettings().clientCert() != null) {
                out.put("upstreams." + name + ".tls.client_cert", u.tlsSettings().clientCert());
                out.put("upstreams." + name + ".tls.client_key", u.tlsSettings().clientKey());
            }
        });
        c.guard().policies().forEach((name, p) -> {
            if (p.classifier() != null && p.classifier().apiKey() != null) out.put("guard.policies." + name + ".classifier.api_key", p.classifier().apiKey());
        });
        c.observability().tracing().secretHeaders().forEach((name, ref) -> out.put("observability.tracing.headers." + name, ref));
        if (c.console().oidc() != null) out.put("console.oidc.client_secret", c.console().oidc().clientSecret());
        return Collections.unmodifiableMap(out);
    }

    /** The place of an upstream's {@code i}-th key: {@code api_key} when it has one, else {@code api_keys[i]}. */
    public static String upstreamKey(String upstream, UpstreamConfig u, int i) {
        return "upstreams." + upstream + (u.apiKey() != null ? ".api_key" : ".api_keys[" + i + "]");
    }
}
