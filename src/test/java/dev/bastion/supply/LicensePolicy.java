package dev.bastion.supply;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dependency license policy (docs/security.md#supply-chain) over a CycloneDX SBOM: each component must carry a
 * license of the allow-list, or have an exception with its reason. Several licenses on one component, or an SPDX
 * expression with OR, are a choice: one allowed alternative suffices (an AND needs all of its parts).
 */
record LicensePolicy(Set<String> allowed, Map<String, String> exceptions) {

    static LicensePolicy load(Path allowedFile, Path exceptionsFile) throws IOException {
        Set<String> allowed = lines(allowedFile).stream().collect(Collectors.toUnmodifiableSet());
        Map<String, String> exceptions = new LinkedHashMap<>();
        for (String line : lines(exceptionsFile)) {
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException(exceptionsFile + ": '" + parts[0] + "' has no reason");
            }
            exceptions.put(parts[0], parts[1].trim());
        }
        return new LicensePolicy(allowed, exceptions);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** One line per component that breaks the policy, naming it, its version and its licenses. */
    List<String> violations(JsonNode bom) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : bom.path("components")) {
            String name = c.path("group").asText() + ":" + c.path("name").asText();
            if (exceptions.containsKey(name)) continue;
            List<String> declared = declared(c.path("licenses"));
            if (declared.isEmpty()) {
                out.add(name + " " + c.path("version").asText() + ": declares no license");
            } else if (declared.stream().noneMatch(this::allows)) {
                out.add(name + " " + c.path("version").asText() + ": " + String.join(" / ", declared) + " is not on the allow-list");
            }
        }
        return out;
    }

    /** Exceptions that name no component of the SBOM. */
    List<String> unusedExceptions(JsonNode bom) {
        Set<String> present = new java.util.HashSet<>();
        for (JsonNode c : bom.path("components")) present.add(c.path("group").asText() + ":" + c.path("name").asText());
        return exceptions.keySet().stream().filter(e -> !present.contains(e)).toList();
    }

    private static List<String> declared(JsonNode licenses) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : licenses) {
            if (l.hasNonNull("expression")) out.add(l.get("expression").asText());
            else if (l.path("license").hasNonNull("id")) out.add(l.path("license").get("id").asText());
            else if (l.path("license").hasNonNull("name")) out.add(l.path("license").get("name").asText());
        }
        return out;
    }

    private boolean allows(String expression) {
        String e = expression.replace("(", " ").replace(")", " ").strip();
        return Arrays.stream(e.split("\\s+OR\\s+"))
                .anyMatch(alt -> Arrays.stream(alt.split("\\s+AND\\s+")).map(String::strip).allMatch(allowed::contains));
    }
}
