package dev.bastion.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s rendered by kustomize, parsed into Kubernetes' model and held to {@link ManifestChecker}: every overlay
 * passes, and every weakening the checker is meant to catch — applied to a parsed copy — is reported.
 */
class DeployManifestsTest {
    private static final Manifests SINGLE = Manifests.overlay("single-node");
    private static final Manifests HA = Manifests.overlay("ha");

    private static Manifests overlay(String name) {
        return name.equals("ha") ? HA : SINGLE;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"single-node", "ha"})
    void everyOverlayKeepsThePosture(String name) {
        assertThat(ManifestChecker.check(overlay(name))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"single-node", "ha"})
    void theDeploymentIsRestrictedAndProbedOnTheAdminListener(String name) {
        Manifests m = overlay(name);
        Deployment d = m.one(Deployment.class, "bastion");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getImage()).isEqualTo("bastion@sha256:" + "0".repeat(64));
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
        assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
        assertThat(m.all(io.fabric8.kubernetes.api.model.Namespace.class).get(0).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        // The admin port has a Service of its own, inside the cluster only.
        assertThat(m.one(NetworkPolicy.class, "bastion-admin-ingress").getSpec().getIngress()).singleElement().satisfies(r -> {
            assertThat(r.getFrom()).singleElement().satisfies(p -> assertThat(p.getNamespaceSelector().getMatchLabels())
                    .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring")));
            assertThat(r.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9090);
        });
        Service admin = m.one(Service.class, "bastion-admin");
        assertThat(admin.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(m.one(Service.class, "bastion").getSpec().getPorts()).extracting(p -> p.getTargetPort().getStrVal()).containsExactly("public");
    }

    @Test
    void singleNodeIsOneReplicaOnAVolumeClaim() {
        Deployment d = SINGLE.one(Deployment.class, "bastion");
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("data"))
                .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("bastion-data"));
        assertThat(SINGLE.all(PodDisruptionBudget.class)).isEmpty();
        assertThat(SINGLE.all(NetworkPolicy.class)).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("default-deny-all", "bastion-public-ingress", "bastion-admin-ingress", "bastion-egress-dns", "bastion-egress-upstreams");
    }

    @Test
    void haIsThreeSpreadReplicasWithABudgetAnAutoscalerAndItsStateAllowed() {
        Deployment d = HA.one(Deployment.class, "bastion");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(HA.one(PodDisruptionBudget.class, "bastion").getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        HorizontalPodAutoscaler hpa = HA.one(HorizontalPodAutoscaler.class, "bastion");
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        var state = HA.one(NetworkPolicy.class, "bastion-egress-state").getSpec().getEgress();
        assertThat(state).extracting(r -> r.getPorts().get(0).getPort().getIntVal()).containsExactly(5432, 6379);
    }

    @Test
    void theOperatorsOverlayInTheReadmeRendersAndKeepsThePosture(@TempDir Path dir) throws Exception {
        Matcher block = Pattern.compile("```yaml\n(# my-bastion/kustomization\\.yaml.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("deploy", "README.md")));
        assertThat(block.find()).as("deploy/README.md's example overlay").isTrue();
        // kustomize takes a base only by a relative path.
        Path ha = Manifests.ROOT.resolve("overlays").resolve("ha").toAbsolutePath();
        Files.writeString(dir.resolve("kustomization.yaml"), block.group(1).replace("../bastion/deploy/k8s/overlays/ha", dir.toRealPath().relativize(ha.toRealPath()).toString()));
        Files.copy(ha.resolve("bastion.yaml"), dir.resolve("bastion.yaml"));

        Manifests m = Manifests.parse(Kustomize.render(dir));
        assertThat(ManifestChecker.check(m)).isEmpty();
        assertThat(container(m).getImage()).isEqualTo("registry.example.com/platform/bastion@sha256:9c4f2a1b7e3d5f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a");
        assertThat(policy(m, "bastion-public-ingress").getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "ingress-controllers"));
        assertThat(egress(m, "bastion-egress-upstreams").getTo()).extracting(p -> p.getIpBlock().getCidr()).containsExactly("192.0.2.0/24", "198.18.0.0/15");
        assertThat(m.all(io.fabric8.kubernetes.api.model.ConfigMap.class)).hasSize(1);
    }

    static Stream<Arguments> weakenings() {
        return Stream.of(
                weaken("readOnlyRootFilesystem dropped", "ha", m -> container(m).getSecurityContext().setReadOnlyRootFilesystem(null), "readOnlyRootFilesystem is not true"),
                weaken("a capability added", "single-node", m -> container(m).getSecurityContext().setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of("ALL"))), "capabilities added: [NET_ADMIN]"),
                weaken("capabilities no longer dropped", "ha", m -> container(m).getSecurityContext().getCapabilities().setDrop(List.of()), "capabilities do not drop ALL"),
                weaken("the default-deny policy removed", "single-node", m -> m.resources.removeIf(r -> r.getMetadata().getName().equals("default-deny-all")), "no default-deny policy"),
                weaken("privilege escalation allowed", "ha", m -> container(m).getSecurityContext().setAllowPrivilegeEscalation(true), "allowPrivilegeEscalation is not false"),
                weaken("privileged", "single-node", m -> container(m).getSecurityContext().setPrivileged(true), "privileged"),
                weaken("runs as root", "ha", m -> pod(m).getSecurityContext().setRunAsUser(0L), "runAsUser is not 65532"),
                weaken("seccomp unconfined", "ha", m -> pod(m).getSecurityContext().getSeccompProfile().setType("Unconfined"), "pod seccompProfile is not RuntimeDefault"),
                weaken("the token mounted", "single-node", m -> pod(m).setAutomountServiceAccountToken(null), "automountServiceAccountToken is not false"),
                weaken("hostNetwork", "ha", m -> pod(m).setHostNetwork(true), "hostNetwork"),
                weaken("hostPID", "ha", m -> pod(m).setHostPID(true), "hostPID"),
                weaken("a hostPath volume", "single-node", m -> pod(m).getVolumes().add(new VolumeBuilder().withName("host").withNewHostPath().withPath("/").endHostPath().build()), "hostPath volume host"),
                weaken("the image by :latest", "ha", m -> container(m).setImage("bastion:latest"), "uses :latest"),
                weaken("a secret in an environment variable", "ha", m -> container(m).getEnv().add(new EnvVarBuilder().withName("OPENAI_API_KEY")
                        .withNewValueFrom().withNewSecretKeyRef("openai-api-key", "bastion-secrets", false).endValueFrom().build()), "secret in environment variable OPENAI_API_KEY"),
                weaken("the Secret mounted by subPath", "single-node", m -> container(m).getVolumeMounts().stream().filter(v -> v.getName().equals("secrets")).forEach(v -> v.setSubPath("openai-api-key")), "subPath mount of secrets"),
                weaken("no memory limit", "ha", m -> container(m).getResources().getLimits().remove("memory"), "no memory limit"),
                weaken("readiness on the public port", "ha", m -> container(m).getReadinessProbe().getHttpGet().setPort(new IntOrString("public")), "readinessProbe: not on the admin port"),
                weaken("a probe on a path that does not exist", "single-node", m -> container(m).getLivenessProbe().getHttpGet().setPath("/healthz"), "livenessProbe: path /healthz"),
                weaken("another config file", "ha", m -> container(m).setArgs(List.of("serve", "--config", "/tmp/bastion.yaml")), "args [serve, --config, /tmp/bastion.yaml] are not"),
                weaken("another program", "single-node", m -> container(m).setCommand(List.of("/bin/sh", "-c", "sleep 1000")), "replaces the image's entrypoint"),
                weaken("no startup probe", "ha", m -> container(m).setStartupProbe(null), "no startupProbe"),
                weaken("a grace period shorter than the drain", "ha", m -> pod(m).setTerminationGracePeriodSeconds(30L), "terminationGracePeriodSeconds 30 is not above"),
                weaken("no preStop", "single-node", m -> container(m).setLifecycle(null), "no preStop sleep"),
                weaken("egress to everything", "ha", m -> egress(m, "bastion-egress-upstreams").getTo().set(0, peer("0.0.0.0/0")), "egress to every address (0.0.0.0/0)"),
                weaken("DNS to a resolver outside", "single-node", m -> egress(m, "bastion-egress-dns").getTo().add(peer("8.8.8.8/32")), "DNS egress to something other than kube-dns"),
                weaken("egress to a port nothing uses", "ha", m -> egress(m, "bastion-egress-upstreams").getPorts().get(0).setPort(new IntOrString(22)), "egress to port 22"),
                weaken("the upstreams' port closed", "single-node", m -> m.resources.removeIf(r -> r.getMetadata().getName().equals("bastion-egress-upstreams")), "no egress to port 443"),
                weaken("PostgreSQL not allowed", "ha", m -> m.resources.removeIf(r -> r.getMetadata().getName().equals("bastion-egress-state")), "no egress to port 5432"),
                weaken("ingress from every namespace", "ha", m -> policy(m, "bastion-public-ingress").getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().setMatchLabels(Map.of()), "ingress from every namespace"),
                weaken("the admin port opened with the public one", "single-node", m -> policy(m, "bastion-public-ingress").getSpec().getIngress().get(0).getPorts()
                        .add(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort(null, new IntOrString(9090), "TCP")), "one rule opens the admin port with the public one"),
                weaken("the admin Service exposed", "ha", m -> m.one(Service.class, "bastion-admin").getSpec().setType("LoadBalancer"), "exposes the admin port as LoadBalancer"),
                weaken("one replica in ha", "ha", m -> deployment(m).getSpec().setReplicas(1), "1 replicas (expected: at least 3)"),
                weaken("two replicas on SQLite", "single-node", m -> deployment(m).getSpec().setReplicas(2), "2 replicas on a SQLite store"),
                weaken("no disruption budget", "ha", m -> m.resources.removeIf(r -> r instanceof PodDisruptionBudget), "no PodDisruptionBudget"),
                weaken("a budget that allows two down", "ha", m -> m.one(PodDisruptionBudget.class, "bastion").getSpec().setMinAvailable(new IntOrString(1)), "neither minAvailable >= 2"),
                weaken("no autoscaler", "ha", m -> m.resources.removeIf(r -> r instanceof HorizontalPodAutoscaler), "no HorizontalPodAutoscaler"),
                weaken("replicas on one node", "ha", m -> { pod(m).setTopologySpreadConstraints(List.of()); pod(m).setAffinity(null); }, "replicas may share a node"),
                weaken("a RoleBinding added", "single-node", m -> m.resources.add(new GenericKubernetesResourceBuilder()
                        .withApiVersion("rbac.authorization.k8s.io/v1").withKind("RoleBinding").withNewMetadata().withName("bastion").withNamespace("bastion").endMetadata().build()), "RoleBinding/bastion: RBAC object"),
                weaken("the namespace not restricted", "ha", m -> m.all(io.fabric8.kubernetes.api.model.Namespace.class).get(0).getMetadata().getLabels()
                        .put("pod-security.kubernetes.io/enforce", "baseline"), "pod-security.kubernetes.io/enforce is not 'restricted'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakenings")
    void aWeakenedManifestIsReported(String weakening, String overlay, Consumer<Manifests> change, String finding) {
        Manifests m = overlay(overlay).copy();
        change.accept(m);
        assertThat(ManifestChecker.check(m)).as(weakening).anyMatch(f -> f.contains(finding));
        assertThat(ManifestChecker.check(overlay(overlay))).as("the original is untouched").isEmpty();
    }

    @Test
    void aManifestOfAKindTheChecksDoNotReadIsRefused() {
        assertThatThrownBy(() -> Manifests.parse("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: x }\n"))
                .hasMessageContaining("a manifest of a kind the checks do not know: rbac.authorization.k8s.io/v1/ClusterRoleBinding");
    }

    @Test
    void podsNoPolicySelectsAreReported() {
        Manifests m = SINGLE.copy();
        // Every policy of Bastion's own now selects pods that do not exist: only the default deny is left.
        m.all(NetworkPolicy.class).stream().filter(p -> !p.getSpec().getPodSelector().getMatchLabels().isEmpty())
                .forEach(p -> p.getSpec().getPodSelector().setMatchLabels(Map.of("app.kubernetes.io/name", "other")));
        assertThat(ManifestChecker.check(m)).contains("Deployment/bastion: its pods are selected by no NetworkPolicy of their own");
    }

    private static Arguments weaken(String name, String overlay, Consumer<Manifests> change, String finding) {
        return Arguments.of(name, overlay, change, finding);
    }

    private static Deployment deployment(Manifests m) {
        return m.one(Deployment.class, "bastion");
    }

    private static PodSpec pod(Manifests m) {
        return deployment(m).getSpec().getTemplate().getSpec();
    }

    private static Container container(Manifests m) {
        return pod(m).getContainers().get(0);
    }

    private static NetworkPolicy policy(Manifests m, String name) {
        return m.one(NetworkPolicy.class, name);
    }

    private static NetworkPolicyEgressRule egress(Manifests m, String name) {
        return policy(m, name).getSpec().getEgress().get(0);
    }

    private static NetworkPolicyPeer peer(String cidr) {
        NetworkPolicyPeer p = new NetworkPolicyPeer();
        p.setIpBlock(new IPBlock(cidr, List.of()));
        return p;
    }
}
