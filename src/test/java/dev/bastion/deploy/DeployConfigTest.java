package dev.bastion.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.Bastion;
import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TlsRedis;
import dev.bastion.tokens.MasterKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The config each overlay's ConfigMap holds, run for real: {@code bastion check --posture} passes with the Secret's
 * files in place, and {@code bastion serve} (a child process, as in the pod) answers the Deployment's probe paths
 * on its admin listener — and not on the public one. The pod's paths are mapped to a temporary directory and its
 * ports to free loopback ports; nothing else of the config is changed.
 */
class DeployConfigTest {
    /** What the file references, the store URL's root certificate and ca_file name: the Secret's keys. */
    private static final Pattern SECRET_FILE = Pattern.compile("(?:file:|sslrootcert=|ca_file: )/run/secrets/bastion/([\\w.-]+)");
    private static final String SECRET_DIR = "/run/secrets/bastion/";

    /** The posture rows these configs accept (deploy/README.md says why); any other finding fails. */
    private static final Set<String> ACCEPTED = Set.of(
            "BP-TLS-002",    // info: TLS ends at the load balancer, which is a trusted proxy
            "BP-ADMIN-001",  // warn: the admin listener on the pod address, for probes and scrapers (NetworkPolicy)
            "BP-AUDIT-002"); // warn: no SIEM sink configured: the operator's to add

    private record Pod(String config, Deployment deployment, List<String> secrets) {}

    private static Pod pod(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Deployment d = m.one(Deployment.class, "bastion");
        String volume = d.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(v -> v.getMountPath().equals(ManifestChecker.CONFIG_DIR)).findFirst().orElseThrow().getName();
        String configMap = d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume))
                .findFirst().orElseThrow().getConfigMap().getName();
        String config = m.one(ConfigMap.class, configMap).getData().get(ManifestChecker.CONFIG_FILE);
        Set<String> secrets = new LinkedHashSet<>();
        for (Matcher f = SECRET_FILE.matcher(config); f.find(); ) secrets.add(f.group(1));
        return new Pod(config, d, List.copyOf(secrets));
    }

    /** The Secret's files, made up (a master key, CA certificates, random keys), and the config pointed at them. */
    private static Map<String, String> install(Pod pod, Path dir) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Map<String, String> values = new java.util.HashMap<>();
        for (String name : pod.secrets()) {
            if (name.endsWith(".pem")) {
                TestCertificates.ca(secrets, name.substring(0, name.length() - ".pem".length()), 365);
            } else {
                String value = name.equals("master-key.json") ? MasterKey.generateKeysetJson() : "sk-" + name + "-" + UUID.randomUUID();
                Files.writeString(secrets.resolve(name), value);
                values.put(name, value);
            }
        }
        return values;
    }

    /** The pod's paths under {@code dir}: the Secret's mount, and the data volume as {@code dir/data}. */
    private static String adapt(String config, Path dir, String data) throws java.io.IOException {
        return config.replace(SECRET_DIR, dir.resolve("secrets") + "/")
                .replace("/var/lib/bastion/", Files.createDirectories(dir.resolve(data)) + "/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"single-node", "ha"})
    void theConfigMapPassesThePostureCheckWithTheSecretsMounted(String overlay, @TempDir Path dir) throws Exception {
        Pod pod = pod(overlay);
        Map<String, String> values = install(pod, dir);
        Path config = Files.writeString(dir.resolve("bastion.yaml"), adapt(pod.config(), dir, "data"));

        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("check", "--posture", "--json", "--config", config.toString());
        assertThat(exit).as(out + "\n" + err).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.get("summary").get("fail").asInt()).isZero();
        List<String> ids = new ArrayList<>();
        report.get("findings").forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids).as("posture findings").isSubsetOf(ACCEPTED).contains("BP-ADMIN-001");
        assertThat(pod.config()).contains("environment: prod");
        for (String value : values.values()) assertThat(out.toString() + err).doesNotContain(value);
    }

    @Test
    void theSecretCommandInTheReadmeHoldsEveryFileTheConfigsName() throws Exception {
        String readme = Files.readString(Path.of("deploy", "README.md"));
        for (String overlay : List.of("single-node", "ha")) {
            for (String name : pod(overlay).secrets()) assertThat(readme).as(overlay).contains("--from-file=" + name + "=");
        }
    }

    @Test
    void theProbesHitPathsTheAdminListenerServes(@TempDir Path dir) throws Exception {
        Pod pod = pod("single-node");
        Map<String, String> values = install(pod, dir);
        Replica replica = Replica.start(pod, dir, "serve", adapt(pod.config(), dir, "data"));
        try {
            replica.answersTheProbes(pod);
            // The state is where the pod keeps it: on the data volume (the claim), not on the read-only root.
            assertThat(dir.resolve("data").resolve("bastion.db")).exists();
            replica.stops();
        } finally {
            replica.process.destroyForcibly();
        }
        replica.loggedNone(values);
    }

    /**
     * The ha config on two replicas started at once (their migrations race on one database), each reaching
     * PostgreSQL ({@code sslmode=verify-full}) and Redis ({@code rediss://}, AUTH) through the Secret's CAs and
     * passwords: ready means the store answered over verified TLS.
     */
    @Test
    void haReplicasStartTogetherOnPostgresAndRedisOverVerifiedTls(@TempDir Path dir) throws Exception {
        Pod pod = pod("ha");
        Map<String, String> values = install(pod, dir);
        Path secrets = dir.resolve("secrets");
        TestCertificates.server(secrets, "postgres-ca", "postgres", "DNS:localhost");
        TestCertificates.server(secrets, "redis-ca", "redis", "DNS:localhost");
        List<Replica> replicas = new ArrayList<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("ssl", "on")
                     .setServerConfig("ssl_cert_file", secrets.resolve("postgres.pem").toString())
                     .setServerConfig("ssl_key_file", secrets.resolve("postgres-key.pem").toString()).start();
             TlsRedis redis = TlsRedis.start(secrets, "redis", "redis-ca", values.get("redis-password"))) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE bastion LOGIN PASSWORD '" + values.get("postgres-password") + "'");
                st.execute("CREATE DATABASE bastion OWNER bastion");
            }
            for (int i = 0; i < 2; i++) {
                // Each pod has a host name of its own, hence an audit chain of its own, and its own emptyDir.
                String config = adapt(pod.config(), dir, "data-" + i)
                        .replace("postgres.example.internal:5432", "localhost:" + pg.getPort())
                        .replace("redis.example.internal:6379", "localhost:" + redis.port)
                        .replace("audit:\n", "audit:\n  node: replica-" + i + "\n");
                assertThat(config).contains("localhost:" + pg.getPort()).contains("localhost:" + redis.port).contains("node: replica-" + i);
                replicas.add(Replica.start(pod, dir, "replica-" + i, config));
            }
            for (Replica r : replicas) r.answersTheProbes(pod);
            for (Replica r : replicas) r.stops();
        } finally {
            for (Replica r : replicas) r.process.destroyForcibly();
        }
        for (Replica r : replicas) r.loggedNone(values);
    }

    /** One pod's {@code bastion serve}, on loopback ports of its own. */
    private record Replica(Path dir, String name, Process process, int publicPort, int adminPort) {
        static Replica start(Pod pod, Path dir, String name, String config) throws Exception {
            int publicPort = BastionProcess.freePort(), adminPort = BastionProcess.freePort();
            String local = config.replace("host: 0.0.0.0", "host: 127.0.0.1")
                    .replace("port: 8080", "port: " + publicPort).replace("port: 9090", "port: " + adminPort);
            assertThat(local).contains("port: " + publicPort).contains("port: " + adminPort).doesNotContain("host: 0.0.0.0");
            Files.writeString(dir.resolve(name + ".yaml"), local);
            return new Replica(dir, name, BastionProcess.start(dir, name, Map.of(), "serve", "--config", name + ".yaml"), publicPort, adminPort);
        }

        /** The Deployment's probe paths: 200 on the admin listener, the one 404 shape on the public one. */
        void answersTheProbes(Pod pod) throws Exception {
            BastionProcess.awaitLine(dir, name, process, "bastion listening");
            Container c = pod.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
            List<String> paths = Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())
                    .map(Probe::getHttpGet).map(g -> g.getPath()).toList();
            assertThat(paths).containsExactly("/health/live", "/health/ready", "/health/live");
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                for (String path : paths) {
                    assertThat(get(http, adminPort, path).statusCode()).as(name + " admin " + path).isEqualTo(200);
                    HttpResponse<String> onPublic = get(http, publicPort, path);
                    assertThat(onPublic.statusCode()).as(name + " public " + path).isEqualTo(404);
                    assertThat(onPublic.body()).contains("\"code\":\"route_not_found\"").contains("\"request_id\"");
                }
            }
        }

        void stops() throws Exception {
            process.destroy(); // SIGTERM, as the kubelet sends after the preStop sleep
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(name + " stops on SIGTERM").isTrue();
        }

        void loggedNone(Map<String, String> secrets) throws Exception {
            String logs = Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
            for (String value : secrets.values()) assertThat(logs).doesNotContain(value);
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
