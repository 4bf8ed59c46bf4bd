package dev.bastion.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one store of Bastion's mutable state: an embedded SQLite file (WAL, so the CLI can write while the
 * server reads) or PostgreSQL. The schema is migrated by Flyway on open; server, CLI and tests all use
 * the repositories handed out here. All calls block: callers on an event loop must use a worker.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private final HikariDataSource dataSource;
    private final boolean sqlite;
    private final OrgRepository orgs;
    private final ApiKeyRepository apiKeys;
    private final UserRepository users;
    private final ClientRepository clients;
    private final SigningKeyRepository signingKeys;
    private final RevocationRepository revocations;
    private final IssuedTokenRepository issuedTokens;
    private final UsageRepository usage;
    private final AuditRepository audit;
    private final RetentionRepository retention;
    private final ResponseActionRepository responses;
    private final DataKeyRepository dataKeys;
    private final SubjectRepository subjects;
    private final McpPinRepository mcpPins;
    private final ConsoleRepository console;
    private final McpApprovalRepository mcpApprovals;
    private final StatsRepository stats;

    private Store(HikariDataSource dataSource, boolean sqlite, Clock clock) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
        Jdbc jdbc = new Jdbc(dataSource);
        this.orgs = new OrgRepository(jdbc, clock);
        this.apiKeys = new ApiKeyRepository(jdbc);
        this.users = new UserRepository(jdbc);
        this.clients = new ClientRepository(jdbc);
        this.signingKeys = new SigningKeyRepository(jdbc);
        this.revocations = new RevocationRepository(jdbc);
        this.issuedTokens = new IssuedTokenRepository(jdbc);
        this.usage = new UsageRepository(jdbc);
        this.audit = new AuditRepository(dataSource, sqlite);
        this.retention = new RetentionRepository(dataSource, sqlite);
        this.responses = new ResponseActionRepository(jdbc);
        this.dataKeys = new DataKeyRepository(jdbc);
        this.subjects = new SubjectRepository(jdbc);
        this.mcpPins = new McpPinRepository(jdbc);
        this.console = new ConsoleRepository(jdbc);
        this.mcpApprovals = new McpApprovalRepository(jdbc);
        this.stats = new StatsRepository(dataSource);
    }

    /** The audit trail's tables: append and read only. */
    public AuditRepository audit() {
        return audit;
    }

    /** Retention's batched deletes and its one-node-at-a-time lock. */
    public RetentionRepository retention() {
        return retention;
    }

    /** The wrapped data keys (docs/data-protection.md). */
    public DataKeyRepository dataKeys() {
        return dataKeys;
    }

    /** What the store holds about a user or an org, for subject requests. */
    public SubjectRepository subjects() {
        return subjects;
    }

    public UsageRepository usage() {
        return usage;
    }

    /** Traffic and LLM usage history for the admin API (V29). */
    public StatsRepository stats() {
        return stats;
    }

    public static Store open(StoreConfig config, SecretResolver secrets) {
        return open(config, secrets, Clock.systemUTC());
    }

    public static Store open(StoreConfig config, SecretResolver secrets, Clock clock) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bastion-store");
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(5_000);
        if (config.isSqlite()) {
            Path file = Path.of(config.url().substring("sqlite:".length()));
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                createOwnerOnly(file);
            } catch (IOException e) {
                throw new StoreException("store.url: cannot create " + file, e);
            }
            hc.setJdbcUrl("jdbc:sqlite:" + file);
            // WAL lets readers (the gateway) and one writer (the CLI) share the file; busy_timeout makes a
            // second writer wait instead of failing at once.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "5000");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.setMaximumPoolSize(config.poolSize() == null ? 4 : config.poolSize());
        } else {
            String rest = config.url().substring(config.url().indexOf("://") + 3);
            hc.setJdbcUrl("jdbc:postgresql://" + rest);
            if (config.username() != null) hc.setUsername(config.username());
            if (config.password() != null) hc.setPassword(secrets.resolve(config.password(), "store.password").reveal());
            hc.setMaximumPoolSize(config.poolSize() == null ? 16 : config.poolSize());
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("store: cannot connect to " + describe(config) + " (" + rootMessage(e) + ")", e);
        }
        try {
            // db/vendor/X: what only one database can say (the audit tables' append-only triggers).
            Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/" + (config.isSqlite() ? "sqlite" : "postgresql"))
                    .load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("store: schema migration failed on " + describe(config) + " (" + rootMessage(e) + ")", e);
        }
        return new Store(ds, config.isSqlite(), clock);
    }

    /** MCP tool-definition pins, shared by every node. */
    /** Console sessions and bootstrap tokens (V30). */
    public ConsoleRepository console() {
        return console;
    }

    public McpPinRepository mcpPins() {
        return mcpPins;
    }

    /** MCP tool calls held for approval, listed and decided from any node. */
    public McpApprovalRepository mcpApprovals() {
        return mcpApprovals;
    }

    public OrgRepository orgs() {
        return orgs;
    }

    public ApiKeyRepository apiKeys() {
        return apiKeys;
    }

    public UserRepository users() {
        return users;
    }

    public ClientRepository clients() {
        return clients;
    }

    public SigningKeyRepository signingKeys() {
        return signingKeys;
    }

    /** Automatic responses (O4): IP blocks and key suspensions. */
    public ResponseActionRepository responses() {
        return responses;
    }

    public RevocationRepository revocations() {
        return revocations;
    }

    public IssuedTokenRepository issuedTokens() {
        return issuedTokens;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    /** True when a connection can be taken and answers a trivial query within the timeout. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Creates a new database file readable by its owner only, as the master key is: it holds key and secret
     * hashes, the encrypted signing keys, users and revocations. Left to SQLite it would follow the umask
     * (usually world-readable). SQLite gives the {@code -wal} and {@code -shm} files the database file's
     * mode, so they are private too. An existing file keeps the mode its operator gave it (a backup agent
     * may read it as a group), but one anybody may read is named in a warning at every start.
     */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException existing) {
            warnIfWorldReadable(file); // an existing store, or another process created it first
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes (Windows): the directory's ACL decides, and SQLite creates the file
        }
    }

    private static void warnIfWorldReadable(Path file) throws IOException {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("store file {} is readable by every user ({}): it holds key hashes and the encrypted signing keys; chmod 600 it",
                        file, PosixFilePermissions.toString(mode));
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes: nothing to read
        }
    }

    private static String describe(StoreConfig config) {
        return config.isSqlite() ? config.url() : config.url().replaceAll("\\?.*$", "");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
