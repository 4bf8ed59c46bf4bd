package dev.bastion.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a secret value comes from: {@code env:NAME}, {@code file:PATH}, {@code vault:MOUNT/data/PATH[#FIELD]}
 * (HashiCorp Vault KV v2) or {@code aws-sm:SECRET_ID[#JSON_KEY]} (AWS Secrets Manager). The config never holds
 * a secret value itself, so a config file can be committed, shared and printed without leaking one.
 *
 * <p>A provider key's reference may hold {@code {org}} and {@code {env}} (bring your own key): it is then a
 * template, resolved per request for the caller's org ({@link #forOrg}); no other placeholder is accepted.
 */
public record SecretRef(Kind kind, String target) {
    public enum Kind {
        ENV("env"), FILE("file"), VAULT("vault"), AWS_SM("aws-sm");

        /** The scheme as written in config, and the source's name in status and logs. */
        public final String scheme;

        Kind(String scheme) {
            this.scheme = scheme;
        }

        /** Read over the network from a secret store (not from the process or its files). */
        public boolean remote() {
            return this == VAULT || this == AWS_SM;
        }
    }

    /** The field of a Vault secret read when the reference names none. */
    public static final String DEFAULT_VAULT_FIELD = "value";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    /**
     * What an org id must look like to be put into a reference: letters, digits, {@code _} and {@code -}, not
     * starting with {@code -}. No {@code /}, {@code .}, {@code %}, {@code \}, NUL or space, so no org id can
     * change which path, file or secret the reference names.
     */
    public static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,127}");

    public SecretRef {
        if (kind == Kind.ENV && !ENV_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException("'env:" + target + "' does not name an environment variable");
        }
        if (kind == Kind.FILE && target.isBlank()) {
            throw new IllegalArgumentException("'file:' needs a path");
        }
        Matcher m = PLACEHOLDER.matcher(target);
        while (m.find()) {
            if (!m.group(1).equals("org") && !m.group(1).equals("env")) {
                throw new IllegalArgumentException("'" + kind.scheme + ":" + target + "': only {org} and {env} may be substituted in a reference");
            }
        }
        if (kind == Kind.VAULT) vaultPath(target);
        if (kind == Kind.AWS_SM && awsSecretId(target).isBlank()) throw new IllegalArgumentException("'aws-sm:' needs a secret id");
    }

    public static SecretRef parse(String text) {
        if (text.startsWith("env:")) return new SecretRef(Kind.ENV, text.substring(4));
        if (text.startsWith("file:")) return new SecretRef(Kind.FILE, text.substring(5));
        if (text.startsWith("vault:")) return new SecretRef(Kind.VAULT, text.substring(6));
        if (text.startsWith("aws-sm:")) return new SecretRef(Kind.AWS_SM, text.substring(7));
        // Do not echo the value: it may be the secret itself, pasted where a reference belongs.
        throw new IllegalArgumentException("a secret must be a reference, env:NAME, file:PATH, vault:MOUNT/data/PATH#FIELD or aws-sm:SECRET_ID#KEY"
                + " (a literal value is refused so that config files never hold secrets)");
    }

    /** True when it holds {@code {org}} or {@code {env}} and must be resolved per org. */
    public boolean templated() {
        return target.contains("{org}") || target.contains("{env}");
    }

    /** True when it holds {@code {org}}: only a caller with an org can use it. */
    public boolean perOrg() {
        return target.contains("{org}");
    }

    /**
     * This template for one org and environment. Both are checked against {@link #SAFE_SEGMENT} before they are
     * put in: an org id such as {@code ../other} or {@code a%2f..%2fb} is refused, never substituted.
     *
     * @throws IllegalArgumentException when the org or env id is not a safe segment (the message does not echo it)
     */
    public SecretRef forOrg(String org, String env) {
        if (target.contains("{org}") && (org == null || !SAFE_SEGMENT.matcher(org).matches())) {
            throw new IllegalArgumentException("the org id cannot be used in a secret reference (letters, digits, '_' and '-' only)");
        }
        if (target.contains("{env}") && (env == null || !SAFE_SEGMENT.matcher(env).matches())) {
            throw new IllegalArgumentException("the env name cannot be used in a secret reference (letters, digits, '_' and '-' only)");
        }
        String t = target;
        if (org != null) t = t.replace("{org}", org);
        if (env != null) t = t.replace("{env}", env);
        return new SecretRef(kind, t);
    }

    /** A Vault reference's parts: {@code secret/data/prod/openai#api_key} is mount {@code secret}, path {@code prod/openai}, field {@code api_key}. */
    public record VaultPath(String mount, String path, String field) {}

    public VaultPath vaultPath() {
        if (kind != Kind.VAULT) throw new IllegalStateException("not a vault: reference");
        return vaultPath(target);
    }

    private static VaultPath vaultPath(String target) {
        int hash = target.indexOf('#');
        String location = hash < 0 ? target : target.substring(0, hash);
        String field = hash < 0 ? DEFAULT_VAULT_FIELD : target.substring(hash + 1);
        int data = location.indexOf("/data/");
        if (data <= 0 || data + 6 >= location.length()) {
            throw new IllegalArgumentException("'vault:" + target + "' must read MOUNT/data/PATH[#FIELD] (a KV version 2 secret), e.g. vault:secret/data/prod/openai#api_key");
        }
        if (field.isEmpty()) throw new IllegalArgumentException("'vault:" + target + "': an empty field after '#'");
        String mount = location.substring(0, data);
        String path = location.substring(data + 6);
        for (String s : (mount + "/" + path).split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) throw new IllegalArgumentException("'vault:" + target + "': empty, '.' or '..' path segments are refused");
        }
        return new VaultPath(mount, path, field);
    }

    /** An {@code aws-sm:} reference's secret id (name or ARN). */
    public String awsSecretId() {
        return awsSecretId(target);
    }

    /** An {@code aws-sm:} reference's JSON key, or null when the whole SecretString is the value. */
    public String awsJsonKey() {
        int hash = target.lastIndexOf('#');
        return hash < 0 ? null : target.substring(hash + 1);
    }

    private static String awsSecretId(String target) {
        int hash = target.lastIndexOf('#');
        return hash < 0 ? target : target.substring(0, hash);
    }

    @Override
    public String toString() {
        return kind.scheme + ":" + target;
    }
}
