package dev.bastion.detect.injection.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How a head is trained from embedded rows, the same for the bundled head and for every held-out
 * experiment, so the figures describe the procedure and not one lucky fit.
 *
 * <ul>
 *   <li>Classes are balanced: attacks and benign rows weigh half the total each.</li>
 *   <li>A long text has several windows and is scored by its highest one. A benign row's windows are all
 *       negatives; an attack row's windows start as positives sharing its weight, then (multiple-instance
 *       learning, {@link #MIL_ROUNDS} rounds) only its highest-scoring window is the positive: an
 *       instruction hidden in one window of a long e-mail does not make the rest of the e-mail "attack".</li>
 *   <li>The operating point is chosen on out-of-fold scores ({@link #FOLDS}-fold cross-validation on the
 *       training rows, seeded): the lowest logit at which at most {@link #TARGET_FPR} of benign rows are
 *       flagged. The final head's bias is shifted by it, so 0.5 is the flag.</li>
 * </ul>
 */
final class HeadTraining {
    static final int FOLDS = 5;
    static final int MIL_ROUNDS = 2;
    static final double TARGET_FPR = 0.02;
    static final long SEED = 15;

    /** One corpus row: its windows' embeddings and its label. */
    record Row(float[][] windows, boolean attack) {}

    /** A fitted head in logit space and its cross-validated operating point. */
    record Fit(double[] weightsAndBias, double thresholdLogit) {
        EmbeddingHead head() {
            double[] w = Arrays.copyOf(weightsAndBias, OnnxEncoder.DIM);
            return new EmbeddingHead(w, weightsAndBias[OnnxEncoder.DIM] - thresholdLogit);
        }
    }

    private HeadTraining() {}

    /** The head for {@code rows} with the operating point chosen by cross-validation. */
    static Fit fit(List<Row> rows, double lambda) {
        double[] oof = outOfFoldLogits(rows, lambda);
        return new Fit(fitHead(rows, lambda), thresholdAt(oof, rows, TARGET_FPR));
    }

    /** Each row's logit from the head trained on the other folds (seeded fold assignment). */
    static double[] outOfFoldLogits(List<Row> rows, double lambda) {
        int[] fold = folds(rows.size());
        double[] oof = new double[rows.size()];
        for (int f = 0; f < FOLDS; f++) {
            List<Row> train = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) if (fold[i] != f) train.add(rows.get(i));
            double[] head = fitHead(train, lambda);
            for (int i = 0; i < rows.size(); i++) if (fold[i] == f) oof[i] = logit(head, rows.get(i));
        }
        return oof;
    }

    /** The lowest logit that flags at most {@code fpr} of the benign rows (flag: logit >= threshold). */
    static double thresholdAt(double[] logits, List<Row> rows, double fpr) {
        double[] benign = new double[rows.size()];
        int n = 0;
        for (int i = 0; i < rows.size(); i++) if (!rows.get(i).attack()) benign[n++] = logits[i];
        return thresholdAt(Arrays.copyOf(benign, n), fpr);
    }

    /** The lowest logit that flags at most {@code fpr} of {@code benign} (sorted in place). */
    static double thresholdAt(double[] benign, double fpr) {
        Arrays.sort(benign);
        int allowed = (int) Math.floor(fpr * benign.length);
        return allowed >= benign.length ? Double.NEGATIVE_INFINITY : Math.nextUp(benign[benign.length - 1 - allowed]);
    }

    /** Weights then bias of a head fitted to {@code rows}, multiple-instance rounds included. */
    static double[] fitHead(List<Row> rows, double lambda) {
        int attacks = 0;
        for (Row r : rows) if (r.attack()) attacks++;
        double attackWeight = rows.size() / (2.0 * Math.max(1, attacks));
        double benignWeight = rows.size() / (2.0 * Math.max(1, rows.size() - attacks));
        double[] head = null;
        for (int round = 0; round <= MIL_ROUNDS; round++) {
            List<float[]> x = new ArrayList<>();
            List<Boolean> y = new ArrayList<>();
            List<Double> c = new ArrayList<>();
            boolean multiWindowAttack = false;
            for (Row r : rows) {
                if (r.windows().length == 0) continue; // no word piece at all: scores 0, teaches nothing
                double w = r.attack() ? attackWeight : benignWeight;
                if (r.attack() && head != null) {
                    x.add(r.windows()[bestWindow(head, r)]);
                    y.add(true);
                    c.add(w);
                    continue;
                }
                multiWindowAttack |= r.attack() && r.windows().length > 1;
                for (float[] window : r.windows()) {
                    x.add(window);
                    y.add(r.attack());
                    c.add(w / r.windows().length);
                }
            }
            boolean[] labels = new boolean[y.size()];
            double[] weights = new double[c.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = y.get(i);
                weights[i] = c.get(i);
            }
            head = LogisticRegression.fit(x.toArray(new float[0][]), labels, weights, lambda);
            if (round == 0 && !multiWindowAttack) break; // every attack is one window: nothing to re-pick
        }
        return head;
    }

    /** The row's score: its highest window's logit. */
    static double logit(double[] head, Row row) {
        return row.windows().length == 0 ? Double.NEGATIVE_INFINITY : logit(head, row.windows()[bestWindow(head, row)]);
    }

    static double logit(double[] head, float[] x) {
        double s = head[OnnxEncoder.DIM];
        for (int j = 0; j < OnnxEncoder.DIM; j++) s += head[j] * x[j];
        return s;
    }

    private static int bestWindow(double[] head, Row row) {
        int best = 0;
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < row.windows().length; i++) {
            double s = logit(head, row.windows()[i]);
            if (s > top) {
                top = s;
                best = i;
            }
        }
        return best;
    }

    private static int[] folds(int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        List<Integer> shuffled = new ArrayList<>(Arrays.asList(order));
        java.util.Collections.shuffle(shuffled, new Random(SEED));
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) fold[shuffled.get(i)] = i % FOLDS;
        return fold;
    }
}
