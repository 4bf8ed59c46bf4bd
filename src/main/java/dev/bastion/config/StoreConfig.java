package dev.bastion.config;

/**
 * @param url       {@code sqlite:PATH} (default {@code sqlite:./data/bastion.db}) or {@code postgresql://HOST[:PORT]/DB[?params]}
 * @param username  PostgreSQL user
 * @param password  PostgreSQL password, as a secret reference
 * @param poolSize  connections kept open; default 4 for SQLite (one writer at a time anyway), 16 for PostgreSQL
 * @param insecureTransport in {@code environment: prod}, waive the rule that PostgreSQL is reached over TLS with
 *                  the server verified ({@code sslmode=verify-full}); default false. The waiver is logged at start
 *                  as a posture finding
 */
public record StoreConfig(String url, String username, SecretRef password, Integer poolSize, Boolean insecureTransport) {
    public static final String DEFAULT_URL = "sqlite:./data/bastion.db";

    public StoreConfig {
        url = url == null ? DEFAULT_URL : url;
        if (!url.startsWith("sqlite:") && !url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("url: '" + redactUserInfo(url) + "' (expected: sqlite:PATH or postgresql://HOST/DB)");
        }
        if (url.startsWith("sqlite:") && url.length() == "sqlite:".length()) {
            throw new IllegalArgumentException("url: 'sqlite:' needs a file path");
        }
        if (url.contains("@")) {
            // user:password@host would put a secret in the config file; use username + password instead.
            throw new IllegalArgumentException("url: credentials in the URL are refused (use username and password: env:NAME)");
        }
        insecureTransport = insecureTransport != null && insecureTransport;
        if (poolSize != null && (poolSize < 1 || poolSize > 200)) throw new IllegalArgumentException("pool_size: " + poolSize + " (expected: 1..200)");
    }

    public StoreConfig(String url, String username, SecretRef password, Integer poolSize) {
        this(url, username, password, poolSize, null);
    }

    /** Whether the PostgreSQL URL asks the driver for TLS with the server's certificate and name verified. */
    public boolean verifiesTls() {
        int q = url.indexOf('?');
        if (q < 0) return false;
        for (String param : url.substring(q + 1).split("&")) {
            if (param.equalsIgnoreCase("sslmode=verify-full")) return true;
        }
        return false;
    }

    public boolean isSqlite() {
        return url.startsWith("sqlite:");
    }

    private static String redactUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }
}
