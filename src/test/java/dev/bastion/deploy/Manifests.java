package dev.bastion.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An overlay of {@code deploy/k8s} rendered by kustomize and parsed into fabric8's Kubernetes model: one typed
 * object per document. A kind not listed here is refused, so a new kind of resource cannot slip past the
 * checks unread ({@link ManifestChecker} must learn it first).
 */
final class Manifests {
    static final Path ROOT = Path.of("deploy", "k8s");

    /** apiVersion/kind → the model class it is read into. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final List<HasMetadata> resources;
    private final String source;

    private Manifests(List<HasMetadata> resources, String source) {
        this.resources = resources;
        this.source = source;
    }

    /** Renders {@code deploy/k8s/overlays/NAME} with kustomize. */
    static Manifests overlay(String name) {
        return parse(Kustomize.render(ROOT.resolve("overlays").resolve(name)));
    }

    static Manifests parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        try (JsonParser p = YAML.createParser(yaml)) {
            for (var it = YAML.readValues(p, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc == null || doc.isEmpty()) continue;
                String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(key);
                if (type == null) throw new AssertionError("a manifest of a kind the checks do not know: " + key);
                out.add(YAML.treeToValue(doc, type));
            }
        } catch (IOException e) {
            throw new AssertionError("the rendered manifests do not parse: " + e.getMessage(), e);
        }
        return new Manifests(out, yaml);
    }

    /** A fresh parse of the same render, for the negative tests to weaken without touching the original. */
    Manifests copy() {
        return parse(source);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return named(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
