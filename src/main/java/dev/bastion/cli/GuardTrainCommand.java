package dev.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.detect.injection.InjectionDetector;
import dev.bastion.detect.injection.InjectionEval;
import dev.bastion.detect.injection.LabelledText;
import dev.bastion.detect.injection.LinearInjectionModel;
import dev.bastion.detect.injection.LinearModelTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion guard train}: trains the linear injection model on labelled JSONL and writes it with a
 * description beside it (the command, the data's sha256, the figures). A policy uses the file with
 * {@code injection.model: /path/to/model.bin.gz}. The same data and options give the same file.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the linear prompt-injection model on labelled JSONL and write it (plus a .json description) to --out.")
final class GuardTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--input", paramLabel = "FILE", required = true, description = "Labelled JSONL to train on; repeat to train on several files.")
    List<Path> inputs;
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where the model goes (.bin.gz); its description goes to the same name with .json.")
    Path out;
    @Option(names = "--dev", paramLabel = "FILE", description = "Labelled JSONL to report on (never trained on).")
    Path dev;
    @Option(names = "--leave-one-source-out", description = "Also train once without each source that has at least --min-source-rows attack rows and score that source's rows (from --input and --dev).")
    boolean leaveOneSourceOut;
    @Option(names = "--min-source-rows", defaultValue = "100", description = "Default: 100.")
    int minSourceRows;
    @Option(names = "--bits", defaultValue = "18", description = "2^bits hashed feature slots. Default: 18.")
    int bits;
    @Option(names = "--epochs", defaultValue = "12", description = "Default: 12.")
    int epochs;
    @Option(names = "--target-fpr", defaultValue = "0.02", description = "Share of benign training rows (cross-validated) allowed at the operating point (score 0.5). Default: 0.02.")
    double targetFpr;
    @Option(names = "--seed", defaultValue = "20261206", description = "Default: 20261206.")
    long seed;
    @Option(names = "--concept-value", defaultValue = "8", description = "How much each concept-class feature counts against one n-gram; 0: n-grams only (the features before concepts). Default: 8.")
    int conceptValue;

    @Override
    public Integer call() throws IOException {
        if (bits < 10 || bits > 22) throw new CliException("--bits: " + bits + " (expected 10-22)");
        if (conceptValue < 0 || conceptValue > 16) throw new CliException("--concept-value: " + conceptValue + " (expected 0-16)");
        List<LabelledText> train = new ArrayList<>();
        for (Path input : inputs) train.addAll(read(input));
        List<LabelledText> held = dev == null ? List.of() : read(dev);
        LinearModelTrainer.Options options = new LinearModelTrainer.Options(bits, epochs, LinearModelTrainer.Options.DEFAULTS.rate(),
                LinearModelTrainer.Options.DEFAULTS.l2(), LinearModelTrainer.Options.DEFAULTS.folds(), targetFpr, seed, conceptValue);
        PrintWriter log = spec.commandLine().getOut();
        LinearInjectionModel model = new LinearModelTrainer(options).train(train);
        Files.write(out, model.write());
        log.printf("wrote %s (%d bytes) from %d rows%n", out, Files.size(out), train.size());

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode about = json.createObjectNode();
        about.put("model", LinearInjectionModel.NAME);
        StringBuilder ins = new StringBuilder();
        for (Path input : inputs) ins.append(" --input ").append(input.getFileName());
        about.put("command", "bastion guard train" + ins + (dev == null ? "" : " --dev " + dev.getFileName())
                + " --bits " + bits + " --epochs " + epochs + " --target-fpr " + targetFpr + " --seed " + seed + " --concept-value " + conceptValue + " --out " + out.getFileName());
        about.put("features", LinearInjectionModel.describeFeatures(conceptValue));
        ObjectNode hashes = about.putObject("train_sha256");
        for (Path input : inputs) hashes.put(input.getFileName().toString(), sha256(input));
        about.put("train_rows", train.size());
        if (dev != null) {
            InjectionDetector detector = new InjectionDetector(model);
            double[] scores = new double[held.size()];
            for (int i = 0; i < scores.length; i++) scores[i] = detector.score(held.get(i).text()).score();
            InjectionEval.Rate all = InjectionEval.overall(held, scores, 0.5);
            ObjectNode figures = about.putObject("dev");
            figures.put("sha256", sha256(dev));
            figures.put("rows", held.size());
            figures.put("tpr", round(all.tpr()));
            figures.put("fpr", round(all.fpr()));
            rates(figures.putObject("by_kind"), InjectionEval.groups(held, scores, 0.5, LabelledText::kind));
            rates(figures.putObject("by_lang"), InjectionEval.groups(held, scores, 0.5, LabelledText::lang));
            log.printf("dev (%s): TPR %.3f, FPR %.3f at 0.5 (model and phrase signals)%n", dev.getFileName(), all.tpr(), all.fpr());
        }
        if (leaveOneSourceOut) {
            ObjectNode loso = about.putObject("leave_one_source_out");
            for (var e : attackSources(train).entrySet()) {
                if (e.getValue() < minSourceRows) continue;
                String source = e.getKey();
                List<LabelledText> without = train.stream().filter(r -> !r.source().equals(source)).toList();
                List<LabelledText> scored = new ArrayList<>();
                for (LabelledText r : train) if (r.source().equals(source) && r.attack()) scored.add(r);
                for (LabelledText r : held) if (r.source().equals(source) && r.attack()) scored.add(r);
                InjectionDetector detector = new InjectionDetector(new LinearModelTrainer(options).train(without));
                double[] scores = new double[scored.size()];
                for (int i = 0; i < scores.length; i++) scores[i] = detector.score(scored.get(i).text()).score();
                double tpr = InjectionEval.overall(scored, scores, 0.5).tpr();
                loso.put(source, round(tpr));
                log.printf("leave out %-28s %5d attack rows: TPR %.3f%n", source, scored.size(), tpr);
            }
        }
        Path aboutFile = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.bin\\.gz$|$", ".json"));
        json.writeValue(aboutFile.toFile(), about);
        log.printf("wrote %s%n", aboutFile);
        log.flush();
        return 0;
    }

    private static List<LabelledText> read(Path file) {
        if (!Files.isRegularFile(file)) throw new CliException(file + ": no such file");
        try {
            return LabelledText.read(file);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static Map<String, Integer> attackSources(List<LabelledText> rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (LabelledText r : rows) if (r.attack() && !r.source().isEmpty()) counts.merge(r.source(), 1, Integer::sum);
        return counts;
    }

    private static void rates(ObjectNode into, Map<String, InjectionEval.Rate> rates) {
        for (InjectionEval.Rate r : rates.values()) {
            ObjectNode o = into.putObject(r.group());
            o.put("attacks", r.attacks());
            if (r.attacks() > 0) o.put("tpr", round(r.tpr()));
            o.put("benign", r.benign());
            if (r.benign() > 0) o.put("fpr", round(r.fpr()));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
