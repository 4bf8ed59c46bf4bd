package dev.bastion.detect.injection.embedding;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.detect.injection.LabelledText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Detection figures of scored rows (a row is flagged when its logit is at least 0, i.e. its score at
 * least 0.5), printed for people and kept as JSON in the head file.
 */
final class Evaluation {
    private Evaluation() {}

    /** True- or false-positive rate of a group: flagged / rows. */
    record Rate(int flagged, int rows) {
        double value() {
            return rows == 0 ? Double.NaN : (double) flagged / rows;
        }

        @Override
        public String toString() {
            return String.format("%.3f (%d/%d)", value(), flagged, rows);
        }
    }

    static Rate rate(List<LabelledText> rows, double[] logits, boolean attacks) {
        int flagged = 0, n = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).attack() != attacks) continue;
            n++;
            if (logits[i] >= 0) flagged++;
        }
        return new Rate(flagged, n);
    }

    /** The highest TPR at any threshold whose FPR on these rows is at most {@code fpr}. */
    static double tprAtFpr(List<LabelledText> rows, double[] logits, double fpr) {
        double[] benign = IntStream.range(0, rows.size()).filter(i -> !rows.get(i).attack()).mapToDouble(i -> logits[i]).toArray();
        double threshold = HeadTraining.thresholdAt(benign, fpr);
        int hit = 0, attacks = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).attack()) continue;
            attacks++;
            if (logits[i] >= threshold) hit++;
        }
        return attacks == 0 ? Double.NaN : (double) hit / attacks;
    }

    /** Area under the ROC curve (ties count half). */
    static double auc(List<LabelledText> rows, double[] logits) {
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(logits[a], logits[b]));
        double rankSum = 0;
        long attacks = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j < order.length && logits[order[j]] == logits[order[i]]) j++;
            double rank = (i + j + 1) / 2.0; // 1-based average rank of the tie group
            for (int k = i; k < j; k++) if (rows.get(order[k]).attack()) {
                rankSum += rank;
                attacks++;
            }
            i = j;
        }
        long benign = rows.size() - attacks;
        return (rankSum - attacks * (attacks + 1) / 2.0) / ((double) attacks * benign);
    }

    /** The figures of {@code rows} as JSON, printed on the way: overall, per kind, per language. */
    static ObjectNode report(String title, List<LabelledText> rows, double[] logits, List<String> langs) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Rate tpr = rate(rows, logits, true), fpr = rate(rows, logits, false);
        double best = tprAtFpr(rows, logits, HeadTraining.TARGET_FPR), auc = auc(rows, logits);
        System.out.printf("%s: TPR %s  FPR %s  TPR@FPR<=%.2f %.3f  AUC %.4f%n", title, tpr, fpr, HeadTraining.TARGET_FPR, best, auc);
        out.put("tpr", round(tpr.value())).put("fpr", round(fpr.value())).put("tprAtFpr02", round(best)).put("auc", round(auc))
                .put("attacks", tpr.rows()).put("benign", fpr.rows());
        ObjectNode kinds = out.putObject("perKind");
        System.out.println("  per kind (attack kinds: TPR; benign kinds: FPR)");
        groups(rows, LabelledText::kind).forEach((kind, idx) -> {
            List<LabelledText> sub = idx.stream().map(rows::get).toList();
            double[] sl = idx.stream().mapToDouble(i -> logits[i]).toArray();
            boolean attack = sub.get(0).attack();
            Rate r = rate(sub, sl, attack);
            System.out.printf("    %-22s %s %s%n", kind, attack ? "TPR" : "FPR", r);
            kinds.put(kind, round(r.value()));
        });
        ObjectNode perLang = out.putObject("perLang");
        System.out.println("  per language (languages with >= 30 attack rows in the corpus)");
        Map<String, List<Integer>> byLang = groups(rows, LabelledText::lang);
        for (String lang : langs) {
            List<Integer> idx = byLang.getOrDefault(lang, List.of());
            List<LabelledText> sub = idx.stream().map(rows::get).toList();
            double[] sl = idx.stream().mapToDouble(i -> logits[i]).toArray();
            Rate t = rate(sub, sl, true), f = rate(sub, sl, false);
            System.out.printf("    %-4s TPR %-18s FPR %s%n", lang, t, f);
            perLang.putObject(lang).put("tpr", round(t.value())).put("fpr", round(f.value())).put("attacks", t.rows()).put("benign", f.rows());
        }
        return out;
    }

    static Map<String, List<Integer>> groups(List<LabelledText> rows, Function<LabelledText, String> key) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) out.computeIfAbsent(key.apply(rows.get(i)), k -> new ArrayList<>()).add(i);
        return out;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10000) / 10000.0;
    }
}
