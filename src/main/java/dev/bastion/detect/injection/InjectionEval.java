package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How a detector does on labelled text: the share of attacks it flags (TPR) and of benign rows it flags
 * (FPR), overall and per {@code kind}, {@code lang} and {@code source}. Scores are taken once per row.
 */
public final class InjectionEval {
    /** One group's counts at one threshold. */
    public record Rate(String group, int attacks, int caught, int benign, int flagged) {
        public double tpr() {
            return attacks == 0 ? Double.NaN : (double) caught / attacks;
        }

        public double fpr() {
            return benign == 0 ? Double.NaN : (double) flagged / benign;
        }

        Rate plus(boolean attack, boolean flaggedNow) {
            return new Rate(group, attacks + (attack ? 1 : 0), caught + (attack && flaggedNow ? 1 : 0), benign + (attack ? 0 : 1), flagged + (!attack && flaggedNow ? 1 : 0));
        }
    }

    /** The scores of {@code rows}, in order. */
    public static double[] scores(InjectionModel model, List<LabelledText> rows) {
        double[] s = new double[rows.size()];
        for (int i = 0; i < s.length; i++) s[i] = model.score(rows.get(i).text());
        return s;
    }

    public static Rate overall(List<LabelledText> rows, double[] scores, double threshold) {
        return groups(rows, scores, threshold, r -> "all").get("all");
    }

    /** Rates per value of {@code key}, sorted by it. */
    public static Map<String, Rate> groups(List<LabelledText> rows, double[] scores, double threshold, Function<LabelledText, String> key) {
        Map<String, Rate> out = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            LabelledText r = rows.get(i);
            String k = key.apply(r).isEmpty() ? "-" : key.apply(r);
            out.put(k, out.getOrDefault(k, new Rate(k, 0, 0, 0, 0)).plus(r.attack(), scores[i] >= threshold));
        }
        return out;
    }

    /** The highest TPR reachable while at most {@code maxFpr} of benign rows score at or above the threshold, and that threshold. */
    public static double[] tprAtFpr(List<LabelledText> rows, double[] scores, double maxFpr) {
        List<Double> benign = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) if (!rows.get(i).attack()) benign.add(scores[i]);
        benign.sort(null);
        int allowed = (int) Math.floor(maxFpr * benign.size());
        double threshold = benign.isEmpty() ? 0 : Math.nextUp(benign.get(benign.size() - 1 - Math.min(allowed, benign.size() - 1)));
        if (allowed >= benign.size()) threshold = 0;
        return new double[] {overall(rows, scores, threshold).tpr(), threshold};
    }

    /** A table of rates, one line per group: group, attacks, TPR, benign, FPR. */
    public static String table(String title, Map<String, Rate> rates) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-28s %8s %7s %8s %7s%n", title, "attacks", "TPR", "benign", "FPR"));
        for (Rate r : rates.values()) {
            out.append(String.format("%-28s %8d %7s %8d %7s%n", r.group(), r.attacks(), percent(r.tpr()), r.benign(), percent(r.fpr())));
        }
        return out.toString();
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }

    private InjectionEval() {}
}
