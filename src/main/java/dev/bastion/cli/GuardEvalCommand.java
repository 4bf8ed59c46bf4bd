package dev.bastion.cli;

import dev.bastion.config.ConfigLoader;
import dev.bastion.config.GuardPolicy;
import dev.bastion.detect.injection.InjectionDetector;
import dev.bastion.detect.injection.InjectionEval;
import dev.bastion.detect.injection.InjectionModels;
import dev.bastion.detect.injection.LabelledText;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion guard eval}: how the injection detector does on labelled JSONL ({@code text}, {@code label}
 * 1/0, optional {@code kind}, {@code lang}, {@code source}) — TPR and FPR overall and per kind, language
 * and source, at the policy's {@code flag_at}. Prints rates only, never text.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score labelled JSONL ({\"text\":…,\"label\":0|1,\"kind\":…,\"lang\":…}) with the injection detector and print TPR/FPR "
                + "overall and per kind, lang and source at the policy's flag_at.")
final class GuardEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--input", paramLabel = "FILE", required = true, description = "Labelled JSONL.")
    Path input;
    @Option(names = "--policy", paramLabel = "FILE", description = "A guardrail policy (YAML); its injection.model and flag_at are used. Default: the built-in policy.")
    Path policy;
    @Option(names = "--model", paramLabel = "NAME", description = "Override the policy's model: linear, embedding, phrases, or a model file from 'bastion guard train'.")
    String model;
    @Option(names = "--threshold", paramLabel = "SCORE", description = "Override the policy's flag_at.")
    Double threshold;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(input)) throw new CliException(input + ": no such file");
        GuardPolicy p = policy == null ? GuardPolicy.DEFAULTS : new ConfigLoader().loadPolicy(policy);
        InjectionDetector detector;
        try {
            detector = InjectionModels.detector(model != null ? model : p.injection().model());
        } catch (IllegalArgumentException e) {
            throw new CliException("model: " + e.getMessage());
        }
        List<LabelledText> rows;
        try {
            rows = LabelledText.read(input);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        double at = threshold != null ? threshold : p.injection().flagAt();
        double[] scores = new double[rows.size()];
        long started = System.nanoTime();
        for (int i = 0; i < scores.length; i++) scores[i] = detector.score(rows.get(i).text()).score();
        long micros = (System.nanoTime() - started) / 1000;
        PrintWriter out = spec.commandLine().getOut();
        InjectionEval.Rate all = InjectionEval.overall(rows, scores, at);
        double[] atTwo = InjectionEval.tprAtFpr(rows, scores, 0.02);
        out.printf("model %s, %d rows, threshold %.3f: TPR %s, FPR %s; TPR at FPR <= 0.02: %s (threshold %.3f); %.0f us/row%n",
                detector.modelName(), rows.size(), at, fmt(all.tpr()), fmt(all.fpr()), fmt(atTwo[0]), atTwo[1], rows.isEmpty() ? 0.0 : (double) micros / rows.size());
        out.println();
        out.print(InjectionEval.table("kind", InjectionEval.groups(rows, scores, at, LabelledText::kind)));
        out.println();
        out.print(InjectionEval.table("lang", InjectionEval.groups(rows, scores, at, LabelledText::lang)));
        out.println();
        out.print(InjectionEval.table("source", InjectionEval.groups(rows, scores, at, LabelledText::source)));
        out.flush();
        return 0;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }
}
