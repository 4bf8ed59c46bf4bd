package dev.bastion.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.Bastion;
import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.TestCertificates;
import dev.bastion.tokens.MasterKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Files.createDirectories(dir.resolve("data"));
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

    private static String adapt(String config, Path dir) {
        return config.replace(SECRET_DIR, dir.resolve("secrets") + "/").replace("/var/lib/bastion/", dir.resolve("data") + "/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"single-node", "ha"})
    void theConfigMapPassesThePostureCheckWithTheSecretsMounted(String overlay, @TempDir Path dir) throws Exception {
        Pod pod = pod(overlay);
        Map<String, String> values = install(pod, dir);
        Path config = Files.writeString(dir.resolve("bastion.yaml"), adapt(pod.config(), dir));

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
        int publicPort = BastionProcess.freePort(), adminPort = BastionProcess.freePort();
        String config = adapt(pod.config(), dir).replace("host: 0.0.0.0", "host: 127.0.0.1")
                .replace("port: 8080", "port: " + publicPort).replace("port: 9090", "port: " + adminPort);
        assertThat(config).contains("port: " + publicPort).contains("port: " + adminPort);
        Files.writeString(dir.resolve("bastion.yaml"), config);

        Process serve = BastionProcess.start(dir, "serve", Map.of(), "serve", "--config", "bastion.yaml");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            BastionProcess.awaitLine(dir, "serve", serve, "bastion listening");
            Container c = pod.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
            List<String> paths = Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())
                    .map(Probe::getHttpGet).map(g -> g.getPath()).toList();
            assertThat(paths).containsExactly("/health/live", "/health/ready", "/health/live");
            for (String path : paths) {
                assertThat(get(http, adminPort, path).statusCode()).as("admin " + path).isEqualTo(200);
                HttpResponse<String> onPublic = get(http, publicPort, path);
                assertThat(onPublic.statusCode()).as("public " + path).isEqualTo(404);
                assertThat(onPublic.body()).contains("\"code\":\"route_not_found\"").contains("\"request_id\"");
            }
            // The state is where the pod keeps it: on the data volume (the claim), not on the read-only root.
            assertThat(dir.resolve("data").resolve("bastion.db")).exists();
            serve.destroy(); // SIGTERM, as the kubelet sends after the preStop sleep
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        } finally {
            serve.destroyForcibly();
        }
        String logs = Files.readString(dir.resolve("serve.out")) + Files.readString(dir.resolve("serve.err"));
        for (String value : values.values()) assertThat(logs).doesNotContain(value);
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
