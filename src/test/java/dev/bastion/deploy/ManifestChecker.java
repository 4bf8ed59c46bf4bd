package dev.bastion.deploy;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The security posture deploy/k8s promises, as checks over rendered manifests: each finding names the resource
 * and what is weakened. An empty list is the only pass. The tests run it on every overlay, and on copies they
 * weakened on purpose, so a check that stopped finding its weakness fails too.
 *
 * <p>What is required follows from the config the Deployment mounts: a shared store (PostgreSQL and Redis) asks
 * for replicas, a disruption budget, an autoscaler and spreading; SQLite for exactly one replica on a volume
 * claim; the egress policies must allow the config's upstreams, store and Redis by port, and nothing else.
 */
final class ManifestChecker {
    static final long UID = 65532;
    static final String CONFIG_DIR = "/etc/bastion";
    static final String CONFIG_FILE = "bastion.yaml";
    /** Seconds the close needs after the drain (audit queue drained, checkpoint signed). */
    static final long CLOSE_MARGIN_SECONDS = 5;
    static final Set<String> RESTRICTED_LABELS = Set.of(
            "pod-security.kubernetes.io/enforce", "pod-security.kubernetes.io/audit", "pod-security.kubernetes.io/warn");
    private static final Pattern FILE_REF = Pattern.compile("file:(\\S+)");
    private static final Pattern SSL_ROOT_CERT = Pattern.compile("sslrootcert=([^&\\s]+)");

    private final Manifests m;
    private final List<String> findings = new ArrayList<>();

    private ManifestChecker(Manifests m) {
        this.m = m;
    }

    static List<String> check(Manifests manifests) {
        ManifestChecker c = new ManifestChecker(manifests);
        c.run();
        return List.copyOf(c.findings);
    }

    private void fail(String where, String what) {
        findings.add(where + ": " + what);
    }

    private void run() {
        namespace();
        rbac();
        images();
        List<Deployment> deployments = m.all(Deployment.class);
        if (deployments.isEmpty()) fail("Deployment", "none");
        boolean defaultDeny = defaultDeny();
        for (Deployment d : deployments) deployment(d, defaultDeny);
    }

    // --- namespace, RBAC, images ---

    private void namespace() {
        List<Namespace> all = m.all(Namespace.class);
        if (all.size() != 1) fail("Namespace", "expected exactly one, found " + all.size());
        for (Namespace ns : all) {
            Map<String, String> labels = Objects.requireNonNullElse(ns.getMetadata().getLabels(), Map.of());
            for (String l : RESTRICTED_LABELS) {
                if (!"restricted".equals(labels.get(l))) fail("Namespace/" + ns.getMetadata().getName(), l + " is not 'restricted'");
            }
        }
        for (var r : m.resources) {
            if (r instanceof Namespace) continue;
            String ns = r.getMetadata().getNamespace();
            if (all.isEmpty() || !all.get(0).getMetadata().getName().equals(ns)) fail(kindName(r), "not in the restricted namespace (" + ns + ")");
        }
    }

    /** Bastion never calls the Kubernetes API: no account of its own may be granted anything. */
    private void rbac() {
        for (var r : m.resources) {
            if (r.getKind().contains("Role")) fail(kindName(r), "RBAC object in Bastion's manifests");
        }
    }

    private void images() {
        for (Deployment d : m.all(Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            for (Container c : containers(pod)) {
                String image = Objects.requireNonNullElse(c.getImage(), "");
                String where = kindName(d) + " container " + c.getName();
                if (image.endsWith(":latest") || image.contains(":latest@")) fail(where, "image " + image + " uses :latest");
                if (!image.matches(".+@sha256:[0-9a-f]{64}")) fail(where, "image " + image + " is not referenced by digest");
            }
        }
    }

    // --- the Deployment ---

    private void deployment(Deployment d, boolean defaultDeny) {
        String where = kindName(d);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        podSecurity(where, pod);
        for (Container c : containers(pod)) containerSecurity(where + " container " + c.getName(), c);

        Container main = pod.getContainers().get(0);
        // The checks below read the config at /etc/bastion: the container must run the image's
        // `bastion serve --config /etc/bastion/bastion.yaml`, not some other file or program.
        List<String> serve = List.of("serve", "--config", CONFIG_DIR + "/" + CONFIG_FILE);
        if (!main.getCommand().isEmpty()) fail(where, "command " + main.getCommand() + " replaces the image's entrypoint");
        if (!main.getArgs().isEmpty() && !main.getArgs().equals(serve)) fail(where, "args " + main.getArgs() + " are not " + serve);
        BastionConfig config = config(where, pod, main);
        if (config == null) return;
        int publicPort = config.listeners().publicListener().port();
        int adminPort = config.listeners().admin().port();
        ports(where, main, publicPort, adminPort);
        probes(where, main, adminPort);
        drain(where, pod, main, config);
        volumes(where, pod, main, config);
        services(publicPort, adminPort);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        networkPolicies(where, podLabels, defaultDeny, config, publicPort, adminPort);
        shape(d, config);
    }

    private void podSecurity(String where, PodSpec pod) {
        PodSecurityContext sc = pod.getSecurityContext();
        if (sc == null) {
            fail(where, "no pod securityContext");
            return;
        }
        if (!Boolean.TRUE.equals(sc.getRunAsNonRoot())) fail(where, "runAsNonRoot is not true");
        if (!Objects.equals(sc.getRunAsUser(), UID)) fail(where, "runAsUser is not " + UID);
        if (!Objects.equals(sc.getRunAsGroup(), UID)) fail(where, "runAsGroup is not " + UID);
        if (!Objects.equals(sc.getFsGroup(), UID)) fail(where, "fsGroup is not " + UID);
        if (sc.getSeccompProfile() == null || !"RuntimeDefault".equals(sc.getSeccompProfile().getType())) fail(where, "pod seccompProfile is not RuntimeDefault");
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) fail(where, "automountServiceAccountToken is not false");
        if (Boolean.TRUE.equals(pod.getHostNetwork())) fail(where, "hostNetwork");
        if (Boolean.TRUE.equals(pod.getHostPID())) fail(where, "hostPID");
        if (Boolean.TRUE.equals(pod.getHostIPC())) fail(where, "hostIPC");
        for (Volume v : pod.getVolumes()) if (v.getHostPath() != null) fail(where, "hostPath volume " + v.getName());
        String account = pod.getServiceAccountName();
        if (account == null || account.equals("default")) {
            fail(where, "runs as the namespace's default service account");
        } else {
            ServiceAccount sa = m.named(ServiceAccount.class, account).orElse(null);
            if (sa == null) fail(where, "service account " + account + " is not in the manifests");
            else if (!Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())) fail(kindName(sa), "automountServiceAccountToken is not false");
        }
    }

    private void containerSecurity(String where, Container c) {
        SecurityContext sc = c.getSecurityContext();
        if (sc == null) {
            fail(where, "no securityContext");
            return;
        }
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) fail(where, "allowPrivilegeEscalation is not false");
        if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) fail(where, "readOnlyRootFilesystem is not true");
        if (Boolean.TRUE.equals(sc.getPrivileged())) fail(where, "privileged");
        if (Boolean.FALSE.equals(sc.getRunAsNonRoot())) fail(where, "runAsNonRoot is false");
        if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) fail(where, "runAsUser 0");
        if (sc.getSeccompProfile() != null && !"RuntimeDefault".equals(sc.getSeccompProfile().getType())) fail(where, "seccompProfile is not RuntimeDefault");
        var caps = sc.getCapabilities();
        if (caps == null || !caps.getDrop().contains("ALL")) fail(where, "capabilities do not drop ALL");
        if (caps != null && !caps.getAdd().isEmpty()) fail(where, "capabilities added: " + caps.getAdd());
        var res = c.getResources();
        for (String r : List.of("cpu", "memory")) {
            if (res == null || !res.getRequests().containsKey(r)) fail(where, "no " + r + " request");
            if (res == null || !res.getLimits().containsKey(r)) fail(where, "no " + r + " limit");
        }
        for (ContainerPort p : c.getPorts()) if (p.getHostPort() != null) fail(where, "hostPort " + p.getHostPort());
        // Secrets are files, re-read when rotated; a variable is fixed for the process's life and shows in `describe`.
        for (var e : c.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) fail(where, "secret in environment variable " + e.getName());
        }
        for (var e : c.getEnvFrom()) if (e.getSecretRef() != null) fail(where, "secret as environment (envFrom)");
    }

    /** The config the container reads: the ConfigMap mounted at /etc/bastion, loaded as Bastion loads it. */
    private BastionConfig config(String where, PodSpec pod, Container c) {
        VolumeMount mount = mountAt(c, CONFIG_DIR);
        Volume v = mount == null ? null : volume(pod, mount.getName());
        if (v == null || v.getConfigMap() == null) {
            fail(where, "no ConfigMap mounted at " + CONFIG_DIR);
            return null;
        }
        ConfigMap cm = m.named(ConfigMap.class, v.getConfigMap().getName()).orElse(null);
        String yaml = cm == null ? null : cm.getData().get(CONFIG_FILE);
        if (yaml == null) {
            fail(where, "ConfigMap " + v.getConfigMap().getName() + " with " + CONFIG_FILE + " is not in the manifests");
            return null;
        }
        try {
            return new ConfigLoader().parse(yaml, CONFIG_FILE);
        } catch (RuntimeException e) {
            fail("ConfigMap/" + cm.getMetadata().getName(), "does not load: " + e.getMessage());
            return null;
        }
    }

    private void ports(String where, Container c, int publicPort, int adminPort) {
        Set<Integer> declared = new HashSet<>();
        for (ContainerPort p : c.getPorts()) declared.add(p.getContainerPort());
        if (!declared.equals(Set.of(publicPort, adminPort))) fail(where, "container ports " + declared + " are not the config's public and admin ports " + Set.of(publicPort, adminPort));
    }

    private void probes(String where, Container c, int adminPort) {
        probe(where + " readinessProbe", c, c.getReadinessProbe(), "/health/ready", adminPort);
        probe(where + " livenessProbe", c, c.getLivenessProbe(), "/health/live", adminPort);
        if (c.getStartupProbe() == null) fail(where, "no startupProbe");
        else probe(where + " startupProbe", c, c.getStartupProbe(), c.getStartupProbe().getHttpGet() == null ? "" : c.getStartupProbe().getHttpGet().getPath(), adminPort);
    }

    private void probe(String where, Container c, Probe probe, String path, int adminPort) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            fail(where, "missing or not an HTTP GET");
            return;
        }
        if (!Set.of("/health/ready", "/health/live").contains(get.getPath()) || !get.getPath().equals(path)) fail(where, "path " + get.getPath() + " (expected " + path + ")");
        if (!Objects.equals(port(c, get.getPort()), adminPort)) fail(where, "not on the admin port " + adminPort);
    }

    /** preStop sleep + drain_timeout + the close must fit in the grace period, or the pod is killed mid-drain. */
    private void drain(String where, PodSpec pod, Container c, BastionConfig config) {
        long preStop = 0;
        var lifecycle = c.getLifecycle();
        if (lifecycle != null && lifecycle.getPreStop() != null && lifecycle.getPreStop().getSleep() != null) {
            preStop = lifecycle.getPreStop().getSleep().getSeconds();
        }
        if (preStop == 0) fail(where, "no preStop sleep: the endpoint may still get traffic after the listener stopped accepting");
        long needed = preStop + config.listeners().publicListener().drainTimeout().toSeconds() + CLOSE_MARGIN_SECONDS;
        Long grace = pod.getTerminationGracePeriodSeconds();
        if (grace == null || grace <= needed) fail(where, "terminationGracePeriodSeconds " + grace + " is not above preStop + drain_timeout + " + CLOSE_MARGIN_SECONDS + "s (" + needed + ")");
    }

    private void volumes(String where, PodSpec pod, Container c, BastionConfig config) {
        VolumeMount tmp = mountAt(c, "/tmp");
        if (tmp == null || volume(pod, tmp.getName()) == null || volume(pod, tmp.getName()).getEmptyDir() == null) fail(where, "/tmp is not an emptyDir");
        VolumeMount data = mountAt(c, "/var/lib/bastion");
        if (data == null || volume(pod, data.getName()) == null) fail(where, "nothing mounted at /var/lib/bastion");
        Set<String> secretDirs = new HashSet<>();
        for (VolumeMount vm : c.getVolumeMounts()) {
            Volume v = volume(pod, vm.getName());
            if (v == null) fail(where, "mount of an undeclared volume " + vm.getName());
            else if (v.getSecret() != null || v.getConfigMap() != null) {
                // A subPath mount is never updated: a rotated Secret would not reach Bastion.
                if (vm.getSubPath() != null || vm.getSubPathExpr() != null) fail(where, "subPath mount of " + vm.getName() + " is not updated on rotation");
                if (!Boolean.TRUE.equals(vm.getReadOnly())) fail(where, vm.getName() + " is mounted writable");
                if (v.getSecret() != null) secretDirs.add(vm.getMountPath() + "/");
            }
        }
        String yaml = configText(pod, c);
        Matcher refs = FILE_REF.matcher(yaml);
        while (refs.find()) {
            if (secretDirs.stream().noneMatch(refs.group(1)::startsWith)) fail(where, "file: secret " + refs.group(1) + " is not in a mounted Secret");
        }
        List<String> readOnly = new ArrayList<>();
        if (config.redis() != null && config.redis().caFile() != null) readOnly.add(config.redis().caFile().toString());
        Matcher root = SSL_ROOT_CERT.matcher(config.store().url());
        if (root.find()) readOnly.add(root.group(1));
        for (String f : readOnly) if (secretDirs.stream().noneMatch(f::startsWith) && !f.startsWith(CONFIG_DIR + "/")) fail(where, f + " is not in a mounted volume");
        // What Bastion writes must be under the writable data volume: the root filesystem is read-only.
        List<String> written = new ArrayList<>();
        if (config.store().isSqlite()) written.add(config.store().url().substring("sqlite:".length()));
        else written.add(Objects.requireNonNullElse(config.audit().spool().path(), "./data/audit-spool.jsonl"));
        for (String f : written) if (!f.startsWith("/var/lib/bastion/")) fail(where, f + " is written outside /var/lib/bastion");
        if (pod.getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null && v.getEmptyDir().getSizeLimit() == null)) fail(where, "an emptyDir without sizeLimit");
    }

    private String configText(PodSpec pod, Container c) {
        Volume v = volume(pod, mountAt(c, CONFIG_DIR).getName());
        return m.one(ConfigMap.class, v.getConfigMap().getName()).getData().get(CONFIG_FILE);
    }

    // --- Services ---

    private void services(int publicPort, int adminPort) {
        List<Service> all = m.all(Service.class);
        boolean publicServed = false;
        for (Service s : all) {
            String where = kindName(s);
            boolean admin = s.getSpec().getPorts().stream().anyMatch(p -> isPort(p.getTargetPort(), "admin", adminPort));
            boolean pub = s.getSpec().getPorts().stream().anyMatch(p -> isPort(p.getTargetPort(), "public", publicPort));
            publicServed |= pub;
            if (admin && pub) fail(where, "exposes the admin port beside the public one");
            if (admin && !"ClusterIP".equals(Objects.requireNonNullElse(s.getSpec().getType(), "ClusterIP"))) fail(where, "exposes the admin port as " + s.getSpec().getType());
            if (admin && s.getSpec().getExternalIPs() != null && !s.getSpec().getExternalIPs().isEmpty()) fail(where, "admin port on external IPs");
        }
        if (!publicServed) fail("Service", "no Service for the public port");
    }

    // --- NetworkPolicies ---

    private boolean defaultDeny() {
        boolean found = m.all(NetworkPolicy.class).stream().anyMatch(p -> {
            var spec = p.getSpec();
            boolean all = spec.getPodSelector() != null && spec.getPodSelector().getMatchLabels().isEmpty()
                    && spec.getPodSelector().getMatchExpressions().isEmpty();
            return all && spec.getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                    && spec.getIngress().isEmpty() && spec.getEgress().isEmpty();
        });
        if (!found) fail("NetworkPolicy", "no default-deny policy (every pod, Ingress and Egress, no rules)");
        return found;
    }

    private void networkPolicies(String where, Map<String, String> podLabels, boolean defaultDeny, BastionConfig config, int publicPort, int adminPort) {
        List<NetworkPolicy> selecting = m.all(NetworkPolicy.class).stream().filter(p -> selects(p.getSpec().getPodSelector(), podLabels)).toList();
        if (!defaultDeny || selecting.stream().noneMatch(p -> !p.getSpec().getPodSelector().getMatchLabels().isEmpty())) fail(where, "its pods are selected by no NetworkPolicy of their own");
        Set<Integer> allowedEgress = egressPorts(config);
        for (NetworkPolicy p : selecting) {
            String at = kindName(p);
            for (var rule : p.getSpec().getIngress()) {
                if (rule.getFrom().isEmpty()) fail(at, "an ingress rule from anywhere");
                if (rule.getPorts().isEmpty()) fail(at, "an ingress rule to every port");
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getIpBlock() != null) fail(at, "ingress by address range " + peer.getIpBlock().getCidr() + " (expected: a namespace label)");
                    if (peer.getNamespaceSelector() == null || peer.getNamespaceSelector().getMatchLabels().isEmpty()) fail(at, "ingress from every namespace");
                }
                for (NetworkPolicyPort port : rule.getPorts()) {
                    Integer n = port(null, port.getPort());
                    if (n == null || (n != publicPort && n != adminPort)) fail(at, "ingress to port " + n + ", neither public nor admin");
                }
                // The admin listener answers without credentials: the public port's sources must not reach it.
                boolean toAdmin = rule.getPorts().stream().anyMatch(pp -> Objects.equals(port(null, pp.getPort()), adminPort));
                boolean toPublic = rule.getPorts().stream().anyMatch(pp -> Objects.equals(port(null, pp.getPort()), publicPort));
                if (toAdmin && toPublic) fail(at, "one rule opens the admin port with the public one");
            }
            for (var rule : p.getSpec().getEgress()) {
                if (rule.getTo().isEmpty()) fail(at, "an egress rule to anywhere");
                if (rule.getPorts().isEmpty()) fail(at, "an egress rule to every port");
                // DNS goes to the cluster's resolver only (a resolver outside is a channel out); everything else
                // goes to address ranges the operator wrote down, never to pods picked by a label.
                boolean dnsRule = rule.getPorts().stream().anyMatch(pp -> Objects.equals(port(null, pp.getPort()), 53));
                if (dnsRule && rule.getPorts().stream().anyMatch(pp -> !Objects.equals(port(null, pp.getPort()), 53))) fail(at, "a DNS rule that opens other ports too");
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    if (peer.getIpBlock() != null && peer.getIpBlock().getCidr().endsWith("/0")) fail(at, "egress to every address (" + peer.getIpBlock().getCidr() + ")");
                    boolean kubeDns = peer.getIpBlock() == null && peer.getPodSelector() != null && peer.getNamespaceSelector() != null
                            && "kube-dns".equals(peer.getPodSelector().getMatchLabels().get("k8s-app"));
                    if (dnsRule && !kubeDns) fail(at, "DNS egress to something other than kube-dns");
                    if (!dnsRule && peer.getIpBlock() == null) fail(at, "egress to pods by label, which only the DNS rule may use");
                }
                for (NetworkPolicyPort port : rule.getPorts()) {
                    Integer n = port(null, port.getPort());
                    if (n == null || !allowedEgress.contains(n)) fail(at, "egress to port " + n + ", which no upstream, store, Redis or DNS of the config uses");
                    if (port.getEndPort() != null) fail(at, "egress to a port range");
                }
            }
        }
        // And the other way: each port the config needs is open, or the gateway cannot reach it.
        Set<Integer> open = new HashSet<>();
        selecting.forEach(p -> p.getSpec().getEgress().forEach(r -> r.getPorts().forEach(pp -> open.add(port(null, pp.getPort())))));
        for (int needed : allowedEgress) if (!open.contains(needed)) fail(where, "no egress to port " + needed + ", which the config uses");
        Set<Integer> ingress = new HashSet<>();
        selecting.forEach(p -> p.getSpec().getIngress().forEach(r -> r.getPorts().forEach(pp -> ingress.add(port(null, pp.getPort())))));
        if (!ingress.contains(publicPort)) fail(where, "no ingress to the public port " + publicPort);
    }

    /** DNS, each upstream's port, the store's and Redis'. */
    private static Set<Integer> egressPorts(BastionConfig config) {
        Set<Integer> ports = new HashSet<>(Set.of(53));
        config.upstreams().values().forEach(u -> ports.add(port(u.url())));
        if (!config.store().isSqlite()) ports.add(port(URI.create(config.store().url())));
        if (config.redis() != null && config.redis().url() != null) ports.add(port(config.redis().url()));
        return ports;
    }

    private static int port(URI url) {
        if (url.getPort() > 0) return url.getPort();
        return switch (url.getScheme()) {
            case "https" -> 443;
            case "http" -> 80;
            case "postgresql" -> 5432;
            default -> 6379;
        };
    }

    // --- replicas and their shape ---

    private void shape(Deployment d, BastionConfig config) {
        String where = kindName(d);
        int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        if (config.store().isSqlite()) {
            // One SQLite file: a second writer on another node would corrupt it, a rolling update would run two.
            if (replicas != 1) fail(where, replicas + " replicas on a SQLite store");
            if (d.getSpec().getStrategy() == null || !"Recreate".equals(d.getSpec().getStrategy().getType())) fail(where, "a SQLite store needs strategy Recreate");
            Volume data = volume(d.getSpec().getTemplate().getSpec(), mountAt(d.getSpec().getTemplate().getSpec().getContainers().get(0), "/var/lib/bastion").getName());
            if (data.getPersistentVolumeClaim() == null) fail(where, "the SQLite store is not on a PersistentVolumeClaim");
            else if (m.named(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, data.getPersistentVolumeClaim().getClaimName()).isEmpty()) fail(where, "claim " + data.getPersistentVolumeClaim().getClaimName() + " is not in the manifests");
            return;
        }
        if (config.redis() == null) fail(where, "replicas share a store but not Redis: limits and budgets would be per pod");
        if (replicas < 3) fail(where, replicas + " replicas (expected: at least 3)");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        boolean spread = pod.getTopologySpreadConstraints().stream().anyMatch(t -> "kubernetes.io/hostname".equals(t.getTopologyKey()) && "DoNotSchedule".equals(t.getWhenUnsatisfiable()))
                || (pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null
                        && pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().stream().anyMatch(t -> "kubernetes.io/hostname".equals(t.getTopologyKey())));
        if (!spread) fail(where, "replicas may share a node (no hostname spread or anti-affinity)");
        List<PodDisruptionBudget> pdbs = m.all(PodDisruptionBudget.class).stream().filter(p -> selects(p.getSpec().getSelector(), labels)).toList();
        if (pdbs.isEmpty()) fail(where, "no PodDisruptionBudget");
        for (PodDisruptionBudget p : pdbs) {
            IntOrString min = p.getSpec().getMinAvailable(), max = p.getSpec().getMaxUnavailable();
            boolean ok = (min != null && min.getIntVal() != null && min.getIntVal() >= 2) || (max != null && Objects.equals(max.getIntVal(), 1));
            if (!ok) fail(kindName(p), "neither minAvailable >= 2 nor maxUnavailable 1");
        }
        List<HorizontalPodAutoscaler> hpas = m.all(HorizontalPodAutoscaler.class).stream()
                .filter(h -> "Deployment".equals(h.getSpec().getScaleTargetRef().getKind()) && d.getMetadata().getName().equals(h.getSpec().getScaleTargetRef().getName())).toList();
        if (hpas.isEmpty()) fail(where, "no HorizontalPodAutoscaler");
        for (HorizontalPodAutoscaler h : hpas) {
            if (Objects.requireNonNullElse(h.getSpec().getMinReplicas(), 1) < 3) fail(kindName(h), "minReplicas below 3");
            if (h.getSpec().getMetrics().stream().noneMatch(x -> x.getResource() != null && "cpu".equals(x.getResource().getName()))) fail(kindName(h), "does not scale on CPU");
        }
    }

    // --- helpers ---

    private static List<Container> containers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    }

    private static VolumeMount mountAt(Container c, String path) {
        return c.getVolumeMounts().stream().filter(v -> path.equals(v.getMountPath())).findFirst().orElse(null);
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
    }

    /** A port by number, or by the container port's name. */
    private static Integer port(Container c, IntOrString p) {
        if (p == null) return null;
        if (p.getIntVal() != null) return p.getIntVal();
        if (c == null) return null;
        return c.getPorts().stream().filter(cp -> p.getStrVal().equals(cp.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    private static boolean isPort(IntOrString p, String name, int number) {
        return p != null && (name.equals(p.getStrVal()) || Objects.equals(p.getIntVal(), number));
    }

    private static boolean selects(io.fabric8.kubernetes.api.model.LabelSelector selector, Map<String, String> labels) {
        if (selector == null) return false;
        if (!selector.getMatchExpressions().isEmpty()) return false; // not used here; unread, so not counted
        return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static String kindName(io.fabric8.kubernetes.api.model.HasMetadata r) {
        return r.getKind() + "/" + r.getMetadata().getName();
    }
}
