package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Trains a {@link LinearInjectionModel} from labelled text: logistic regression by AdaGrad SGD with L2,
 * the two classes weighted to count equally, rows visited in a seeded order, so the same data and options
 * give the same model byte for byte.
 *
 * <p>Calibration, on out-of-fold scores ({@link Options#folds}-fold cross validation on the training rows,
 * never on data held out for reporting): the margin above which at most {@link Options#targetFpr} of benign
 * rows score becomes 0.5, and the margin above which a tenth of that does becomes 0.95 — so the policy's
 * default {@code flag_at: 0.5} flags about targetFpr of benign text and {@code block_at: 0.95} refuses
 * about a tenth of that.
 * A long text trains as the model scores it, as its windows: a benign document's windows each as a
 * benign row of their own, an attack's most attack-like window as the attack.
 */
public final class LinearModelTrainer {
    /**
     * @param bits      2^bits hashed slots
     * @param epochs    passes over the rows
     * @param rate      AdaGrad's base learning rate
     * @param l2        L2 penalty per update
     * @param folds     cross-validation folds for calibration (≥ 2)
     * @param targetFpr share of benign rows allowed at or above the operating point
     * @param seed      order of the rows and fold assignment
     * @param conceptValue how much each {@link ConceptLexicon} feature counts (0: n-grams only)
     */
    public record Options(int bits, int epochs, double rate, double l2, int folds, double targetFpr, long seed, int conceptValue) {
        public static final Options DEFAULTS = new Options(18, 12, 0.2, 1e-6, 5, 0.02, 20261206L, 8);

        public Options {
            if (conceptValue < 0 || conceptValue > 16) throw new IllegalArgumentException("conceptValue: " + conceptValue + " (expected 0-16)");
        }
    }

    /** One text's features; a long text also has its windows, which train in its place. */
    private record Row(int[] slots, double scale, boolean attack, List<Row> windows, double weight, boolean window, int origin) {}

    private final Options options;

    public LinearModelTrainer(Options options) {
        this.options = options;
    }

    public LinearInjectionModel train(List<LabelledText> rows) {
        List<Row> all = featurise(rows);
        // Folds by labelled text, not by row: a benign document's windows are held out with it, or the
        // calibration would score documents whose windows it had just trained on.
        int[] foldOf = new int[rows.size()];
        Random random = new Random(options.seed());
        for (int i = 0; i < foldOf.length; i++) foldOf[i] = random.nextInt(options.folds());
        int[] fold = new int[all.size()];
        for (int i = 0; i < fold.length; i++) fold[i] = foldOf[all.get(i).origin()];
        List<Double> benignMargins = new ArrayList<>();
        for (int f = 0; f < options.folds(); f++) {
            List<Row> in = new ArrayList<>(), out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) (fold[i] == f ? out : in).add(all.get(i));
            Fit fit = fit(in);
            for (Row r : out) if (!r.attack() && !r.window()) benignMargins.add(fit.margin(mostAttackLike(fit, r)));
        }
        double flagAt = quantile(benignMargins, 1 - options.targetFpr());
        double blockAt = quantile(benignMargins, 1 - options.targetFpr() / 10);
        // Two points fix the scale: 0.5 where targetFpr of benign rows score, 0.95 where a tenth of that does.
        double k = blockAt > flagAt ? Math.log(19) / (blockAt - flagAt) : 1;
        Fit fit = fit(all);
        float[] w = fit.weights;
        for (int i = 0; i < w.length; i++) w[i] *= (float) k;
        return new LinearInjectionModel(options.bits(), options.conceptValue(), w, k * (fit.bias - flagAt));
    }

    private List<Row> featurise(List<LabelledText> rows) {
        Map<String, Double> bySource = balance(rows, LabelledText::source);
        Map<String, Double> byLang = balance(rows, LabelledText::lang);
        List<Row> out = new ArrayList<>(rows.size());
        NgramFeatures.Buffer features = new NgramFeatures.Buffer(1024);
        for (int origin = 0; origin < rows.size(); origin++) {
            LabelledText t = rows.get(origin);
            double weight = t.attack() ? 1 : bySource.getOrDefault(t.source(), 1.0) * byLang.getOrDefault(t.lang(), 1.0);
            String text = InjectionText.of(t.text()).text();
            if (text.isEmpty()) continue;
            NgramFeatures.emit(text, options.bits(), options.conceptValue(), features);
            // The windows LinearInjectionModel#scoreNormalised scores: the features that end inside each.
            int w = LinearInjectionModel.WINDOW, n = text.length();
            List<Row> windows = new ArrayList<>();
            if (n > w + w / 2) {
                int lo = 0, hi = 0;
                for (int from = 0; from < n - w / 2; from += w / 2) {
                    lo = features.firstEndingAt(from, lo);
                    hi = features.firstEndingAt(Math.min(n, from + w), Math.max(hi, lo));
                    windows.add(row(Arrays.copyOfRange(features.slots, lo, hi), t.attack(), List.of(), weight, true, origin));
                }
            }
            Row whole = row(Arrays.copyOf(features.slots, features.size), t.attack(), windows, weight, false, origin);
            out.add(whole);
            if (!t.attack()) out.addAll(windows); // a benign text's windows are benign; an attack's are not all attacks
        }
        return out;
    }

    private static Row row(int[] slots, boolean attack, List<Row> windows, double weight, boolean window, int origin) {
        return new Row(slots, NgramFeatures.scale(slots.length), attack, windows, weight, window, origin);
    }

    private final class Fit {
        final float[] weights = new float[1 << options.bits()];
        final float[] squares = new float[1 << options.bits()];
        double bias, biasSquares;

        double margin(Row r) {
            double sum = 0;
            for (int s : r.slots()) sum += weights[s];
            return sum * r.scale() + bias;
        }
    }

    private Fit fit(List<Row> rows) {
        Fit fit = new Fit();
        double attacks = 0, benign = 0;
        for (Row r : rows) {
            if (r.attack()) attacks += r.weight();
            else benign += r.weight();
        }
        double attackWeight = (attacks + benign) / (2.0 * Math.max(1, attacks));
        double benignWeight = (attacks + benign) / (2.0 * Math.max(1, benign));
        int[] order = new int[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random random = new Random(options.seed() + 1);
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                Row r = rows.get(i);
                if (!r.attack() && !r.windows().isEmpty()) continue; // a long benign text trains as its windows, rows of their own
                if (r.attack()) r = mostAttackLike(fit, r);
                double p = LinearInjectionModel.sigmoid(fit.margin(r));
                double g = (p - (r.attack() ? 1 : 0)) * (r.attack() ? attackWeight : benignWeight) * r.weight();
                for (int s : r.slots()) {
                    double grad = g * r.scale() + options.l2() * fit.weights[s];
                    fit.squares[s] += (float) (grad * grad);
                    fit.weights[s] -= (float) (options.rate() * grad / Math.sqrt(fit.squares[s] + 1e-8));
                }
                fit.biasSquares += g * g;
                fit.bias -= options.rate() * g / Math.sqrt(fit.biasSquares + 1e-8);
            }
        }
        return fit;
    }

    /**
     * Where a source or a language has more attacks than benign rows, its benign rows weigh as much as its
     * attacks together: otherwise the source's own style (an e-mail's greeting, a table's layout) or the
     * language itself (Bengali, Hindi) would learn to mean "attack" only because the data holds more
     * attacks than clean text of that kind.
     */
    static Map<String, Double> balance(List<LabelledText> rows, Function<LabelledText, String> key) {
        Map<String, int[]> counts = new HashMap<>();
        for (LabelledText t : rows) counts.computeIfAbsent(key.apply(t), k -> new int[2])[t.attack() ? 1 : 0]++;
        Map<String, Double> out = new HashMap<>();
        counts.forEach((source, c) -> {
            if (!source.isEmpty() && c[0] > 0 && c[1] > c[0]) out.put(source, (double) c[1] / c[0]);
        });
        return out;
    }

    /**
     * An attack hidden in a long document is one sentence of it: the label says some window is an attack,
     * not which, so the window the model currently finds most attack-like learns from it (multiple-instance
     * learning). Without this, the benign document around the sentence would learn to look like an attack.
     */
    private static Row mostAttackLike(Fit fit, Row r) {
        if (r.windows().isEmpty()) return r;
        Row best = null;
        double margin = Double.NEGATIVE_INFINITY;
        for (Row w : r.windows()) {
            double m = fit.margin(w);
            if (m > margin) {
                margin = m;
                best = w;
            }
        }
        return best;
    }

    private static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) return 0;
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return Math.nextUp(v[Math.min(v.length - 1, (int) Math.floor(q * v.length))]); // strictly above: at most (1 - q) score at or over it
    }
}
