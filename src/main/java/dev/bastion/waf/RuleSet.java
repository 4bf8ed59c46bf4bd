package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rules as data: Bastion's own set shipped in the jar (one file per attack family under {@code waf/rules/},
 * named in order by {@code waf/rules/index.txt}) and the operator's files,
 * each a YAML document {@code rules: [ … ]}. Every rule is checked when it is loaded — a rule that
 * could never match, or that names a transformation or target that does not exist, stops the start
 * with its file and id rather than silently inspecting nothing.
 */
public final class RuleSet {
    static final String BUILT_IN = "/waf/rules/";
    private static final Set<String> TARGETS = Set.of("path", "query", "args", "args_names", "headers", "cookies", "cookie_names",
            "body", "json_keys", "request_line", "files", "files_names", "multipart_headers", "headers_names", "method", "request_shape");
    // A key given twice would silently replace the first: refused, like everything else that would inspect less than it says.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final List<Rule> rules;

    private RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The built-in rules and the files, in that order. @throws IllegalArgumentException naming file and rule */
    public static RuleSet load(List<String> files) {
        Map<Integer, Rule> byId = new LinkedHashMap<>();
        for (String name : builtInFiles()) {
            try (InputStream in = RuleSet.class.getResourceAsStream(BUILT_IN + name)) {
                if (in == null) throw new IllegalStateException(BUILT_IN + name + " is missing from the jar");
                parse(YAML.readTree(in), "built-in rules " + name, byId);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + BUILT_IN + name, e);
            }
        }
        for (String f : files) {
            try {
                parse(YAML.readTree(Files.readString(Path.of(f))), f, byId);
            } catch (IOException e) {
                throw new IllegalArgumentException(f + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        }
        return new RuleSet(new ArrayList<>(byId.values()));
    }

    private static List<String> builtInFiles() {
        try (InputStream in = RuleSet.class.getResourceAsStream(BUILT_IN + "index.txt")) {
            if (in == null) throw new IllegalStateException(BUILT_IN + "index.txt is missing from the jar");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUILT_IN + "index.txt", e);
        }
    }

    static RuleSet of(String yaml) throws IOException {
        Map<Integer, Rule> byId = new LinkedHashMap<>();
        parse(YAML.readTree(yaml), "rules", byId);
        return new RuleSet(new ArrayList<>(byId.values()));
    }

    private static void parse(JsonNode doc, String source, Map<Integer, Rule> into) {
        JsonNode list = doc == null ? null : doc.get("rules");
        if (list == null || !list.isArray()) throw new IllegalArgumentException(source + ": expected a document with 'rules: [...]'");
        for (JsonNode r : list) {
            int id = r.path("id").asInt(-1);
            String at = source + ": rule " + (id > 0 ? id : "without an id");
            try {
                Rule rule = rule(r, id);
                if (into.putIfAbsent(id, rule) != null) throw new IllegalArgumentException("the id is used twice");
            } catch (IllegalArgumentException | com.google.re2j.PatternSyntaxException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        }
    }

    private static Rule rule(JsonNode r, int id) {
        if (id < 1) throw new IllegalArgumentException("id: missing (expected: a positive number)");
        int paranoia = r.path("paranoia").asInt(1);
        if (paranoia < 1 || paranoia > 4) throw new IllegalArgumentException("paranoia: " + paranoia + " (expected: 1 to 4)");
        Rule.Severity severity;
        try {
            severity = Rule.Severity.valueOf(r.path("severity").asText("critical").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("severity: '" + r.path("severity").asText() + "' (expected: critical, error, warning or notice)");
        }
        List<String> targets = strings(r.path("targets"));
        if (targets.isEmpty()) throw new IllegalArgumentException("targets: missing");
        for (String t : targets) {
            String kind = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
            if (!TARGETS.contains(kind)) throw new IllegalArgumentException("targets: unknown target '" + t + "' (known: " + String.join(", ", new java.util.TreeSet<>(TARGETS)) + ")");
        }
        List<Transform> transforms = new ArrayList<>();
        for (String t : strings(r.path("transforms"))) {
            try {
                transforms.add(Transform.valueOf(t.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("transforms: unknown transformation '" + t + "'");
            }
        }
        Operator op;
        int operators = (r.has("rx") ? 1 : 0) + (r.has("pm") ? 1 : 0) + (r.has("detect") ? 1 : 0) + (r.has("longer_than") ? 1 : 0)
                + (r.has("greater_than") ? 1 : 0);
        if (operators != 1) throw new IllegalArgumentException("needs exactly one operator: rx, pm, detect, longer_than or greater_than");
        boolean negate = r.path("negate").asBoolean(false);
        if (negate && !r.has("rx")) throw new IllegalArgumentException("negate: only with rx (a rule that fires when a value does not match)");
        if (r.has("rx")) {
            String rx = r.get("rx").asText();
            op = Operator.Regex.of(rx);
            if (!negate && ((Operator.Regex) op).pattern().matcher("").find()) throw new IllegalArgumentException("rx: matches the empty string, so every value");
            if (negate) op = new Operator.Not(op);
        } else if (r.has("pm")) {
            op = Operator.Phrases.of(strings(r.get("pm")));
        } else if (r.has("longer_than")) {
            op = new Operator.LongerThan(whole(r.get("longer_than"), "longer_than"));
        } else if (r.has("greater_than")) {
            op = new Operator.GreaterThan(whole(r.get("greater_than"), "greater_than"));
        } else {
            String d = r.get("detect").asText();
            op = Operator.DETECTORS.get(d);
            if (op == null) throw new IllegalArgumentException("detect: unknown detector '" + d + "' (known: " + String.join(", ", new java.util.TreeSet<>(Operator.DETECTORS.keySet())) + ")");
        }
        List<String> lowerTargets = targets.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        List<String> requires = strings(r.path("requires"));
        if (r.has("requires") && requires.isEmpty()) throw new IllegalArgumentException("requires: an empty list would skip every value");
        if (!r.has("requires") && op instanceof Operator.Detector d) requires = d.needs(); // what the detector cannot match without
        return new Rule(id, r.path("description").asText(""), paranoia, severity, strings(r.path("tags")), lowerTargets, List.copyOf(transforms), op,
                requires.isEmpty() ? null : new PhraseMatcher(requires));
    }

    private static long whole(JsonNode n, String key) {
        if (!n.canConvertToExactIntegral() || n.asLong() < 0) throw new IllegalArgumentException(key + ": '" + n.asText() + "' (expected: a whole number, 0 or more)");
        return n.asLong();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) for (JsonNode x : n) out.add(x.asText());
        return out;
    }
}
