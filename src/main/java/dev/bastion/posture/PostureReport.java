package dev.bastion.posture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a posture check found, in catalogue order; printed as a table or JSON, and read at start. */
public record PostureReport(List<Finding> findings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public PostureReport {
        findings = List.copyOf(findings);
    }

    public List<Finding> of(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).toList();
    }

    public boolean failed() {
        return !of(Severity.FAIL).isEmpty();
    }

    /** One line per finding, for a refusal to start or a log line: id, place, what is wrong, the fix. */
    public static String line(Finding f) {
        return "posture " + f.id() + " (" + f.severity().label() + ") at " + f.where() + ": " + f.row().title() + "; fix: " + f.row().fix();
    }

    /** The findings as a table, then each row's ASVS requirement, seed item and fix once. */
    public String table() {
        if (findings.isEmpty()) return "posture: no findings (" + Posture.ROWS.size() + " rows checked)\n";
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"ID", "SEVERITY", "WHERE", "FINDING"});
        for (Finding f : findings) lines.add(new String[] {f.id(), f.severity().label(), f.where(), f.row().title()});
        int[] width = new int[3];
        for (String[] l : lines) for (int i = 0; i < 3; i++) width[i] = Math.max(width[i], l[i].length());
        StringBuilder out = new StringBuilder();
        for (String[] l : lines) {
            for (int i = 0; i < 3; i++) out.append(l[i]).append(" ".repeat(width[i] - l[i].length() + 2));
            out.append(l[3]).append('\n');
        }
        out.append('\n');
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Finding f : findings) rows.putIfAbsent(f.id(), f.row());
        for (Row r : rows.values()) {
            out.append(r.id()).append(": ").append(r.fix()).append('\n')
                    .append("  ASVS 5.0.0 ").append(r.asvs()).append("; seed ").append(r.seed()).append('\n');
        }
        out.append('\n').append(of(Severity.FAIL).size()).append(" fail, ").append(of(Severity.WARN).size()).append(" warn, ")
                .append(of(Severity.INFO).size()).append(" info\n");
        return out.toString();
    }

    /** The findings as JSON: {@code {"summary":{"fail","warn","info"},"findings":[{id,severity,where,title,asvs,seed,fix}]}}. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode summary = root.putObject("summary");
        for (Severity s : Severity.values()) summary.put(s.label(), of(s).size());
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            list.addObject().put("id", f.id()).put("severity", f.severity().label()).put("where", f.where()).put("title", f.row().title())
                    .put("asvs", f.row().asvs()).put("seed", f.row().seed()).put("fix", f.row().fix());
        }
        return root.toPrettyString() + "\n";
    }
}
