package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.CheckpointSigner;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.RetentionConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.observe.DailyLogFiles;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs Bastion writes itself ({@code access_log.dir}): one owner-only file per UTC day, a line never split
 * between two days, the gateway writing its access lines there, and retention deleting the files of days that
 * ended before its cutoff — only those, and nothing in a dry run.
 */
class AccessLogFilesTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void oneOwnerOnlyFilePerDayChangingOnlyBetweenBatches() throws Exception {
        MovingClock clock = new MovingClock(Instant.parse("2026-03-01T23:59:59Z"));
        Path logs = dir.resolve("logs");
        try (DailyLogFiles files = new DailyLogFiles(logs, clock)) {
            files.write("line-1 ".getBytes(StandardCharsets.UTF_8));
            clock.now = Instant.parse("2026-03-02T00:00:01Z"); // midnight passes in the middle of a batch
            files.write("rest-of-line-1\n".getBytes(StandardCharsets.UTF_8));
            files.flush();
            files.write("line-2\n".getBytes(StandardCharsets.UTF_8));
            files.flush();
        }
        assertThat(Files.readString(DailyLogFiles.file(logs, LocalDate.parse("2026-03-01")))).isEqualTo("line-1 rest-of-line-1\n");
        assertThat(Files.readString(DailyLogFiles.file(logs, LocalDate.parse("2026-03-02")))).isEqualTo("line-2\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DailyLogFiles.file(logs, LocalDate.parse("2026-03-02")))))
                .isEqualTo("rw-------");

        try (DailyLogFiles again = new DailyLogFiles(logs, clock)) { // a restart on the same day appends
            again.write("line-3\n".getBytes(StandardCharsets.UTF_8));
            again.flush();
        }
        assertThat(Files.readString(DailyLogFiles.file(logs, LocalDate.parse("2026-03-02")))).isEqualTo("line-2\nline-3\n");
    }

    @Test
    void retentionDeletesTheFilesOfDaysThatEndedBeforeItsCutoffAndNothingElse() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        for (String day : List.of("2026-04-29", "2026-04-30", "2026-05-01", "2026-05-31")) Files.writeString(logs.resolve("access-" + day + ".log"), "x\n");
        Files.writeString(logs.resolve("access-2026-01-01.log.gz"), "not ours"); // an operator's archive
        Files.writeString(logs.resolve("notes.txt"), "not ours");
        Instant now = Instant.parse("2026-05-31T00:00:00Z"); // cutoff: 30 days earlier, 2026-05-01T00:00Z: the day 04-30 ended at it
        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()))) {
            List<dev.bastion.audit.AuditEvent> recorded = new ArrayList<>();
            MasterKey master = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
            RetentionJob job = new RetentionJob(store, RetentionConfig.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC),
                    () -> CheckpointSigner.load(store, master, "gw", now.toEpochMilli()), "gw", recorded::add, logs, null);

            RetentionJob.Report dry = job.run(true, Set.of(DataClass.ACCESS_LOGS));
            assertThat(dry.classes()).singleElement().satisfies(c -> assertThat(c.details()).containsExactly("access-2026-04-29.log", "access-2026-04-30.log"));
            assertThat(logs.resolve("access-2026-04-29.log")).as("a dry run deletes nothing").exists();

            RetentionJob.Report r = job.run(false, Set.of(DataClass.ACCESS_LOGS));
            assertThat(r.rows(DataClass.ACCESS_LOGS)).isEqualTo(2);
            try (var left = Files.list(logs)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("access-2026-05-01.log", "access-2026-05-31.log", "access-2026-01-01.log.gz", "notes.txt");
            }
            assertThat(recorded).singleElement().satisfies(e -> assertThat(e.target()).isEqualTo("access_logs"));
        }
    }

    @Test
    void aGatewayWithAnAccessLogDirWritesItsLinesToTodaysFile() throws Exception {
        Path logs = dir.resolve("access");
        BastionConfig config = new ConfigLoader().parse("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { enabled: false }
                store: { url: "sqlite:%s" }
                access_log: { dir: "%s" }
                upstreams:
                  app: { url: "http://127.0.0.1:9" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(dir.resolve("b.db"), logs), "t.yaml");
        Vertx vertx = Vertx.vertx();
        try (Store store = Store.open(config.store(), new SecretResolver(Map.of()))) {
            Gateway gw = Gateway.start(vertx, config, store, new SecretResolver(Map.of()), 1).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.publicPort() + "/nowhere"))
                        .header("X-Request-Id", "rid-file-1").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(404);
                Path today = DailyLogFiles.file(logs, LocalDate.now(ZoneOffset.UTC));
                while (!Files.exists(today) || !Files.readString(today).contains("\"request_id\":\"rid-file-1\"")) Thread.sleep(10); // written just after the response
                assertThat(Files.readString(today)).contains("\"status\":404");
            } finally {
                gw.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
