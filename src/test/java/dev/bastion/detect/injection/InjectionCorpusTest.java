package dev.bastion.detect.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.Corpora;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped detector (bundled linear model + phrase signals) against the issue-15 targets on the held-out
 * dev split of {@code $BASTION_CORPORA/injection} (skipped, loudly, without it). The model was trained on
 * the train split only; these figures are the ones in docs/guardrails.md.
 */
class InjectionCorpusTest {
    private static List<LabelledText> dev;
    private static double[] scores;

    @BeforeAll
    static void score() throws Exception {
        dev = LabelledText.read(Corpora.require("injection/dev.jsonl"));
        // The figures belong to the corpus the model was trained on; another corpus means retraining, not a failure.
        JsonNode about;
        try (InputStream in = LinearInjectionModel.class.getResourceAsStream("linear-model.json")) {
            about = new ObjectMapper().readTree(in);
        }
        String devHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Corpora.require("injection/dev.jsonl"))));
        boolean same = about.path("dev").path("sha256").asText().equals(devHash);
        if (!same) System.err.println("CONFORMANCE SKIPPED: dev.jsonl is not the split the bundled model was reported on; run bench/injection/train.sh");
        Assumptions.assumeTrue(same, "dev.jsonl is not the split the bundled model was reported on");
        InjectionDetector detector = InjectionModels.detector(InjectionModels.DEFAULT);
        scores = new double[dev.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = detector.score(dev.get(i).text()).score();
    }

    @Test
    void overallTprIsAtLeast90PercentAtAtMost2PercentFalsePositives() {
        InjectionEval.Rate all = InjectionEval.overall(dev, scores, 0.5);
        assertThat(all.fpr()).as("FPR at the default flag_at").isLessThanOrEqualTo(0.02);
        assertThat(all.tpr()).as("TPR at the default flag_at").isGreaterThanOrEqualTo(0.90);
    }

    @Test
    void everyLanguageWithThirtyAttacksIsCaughtAtLeast80Percent() {
        Map<String, InjectionEval.Rate> byLang = InjectionEval.groups(dev, scores, 0.5, LabelledText::lang);
        assertThat(byLang.values().stream().filter(r -> r.attacks() >= 30)).isNotEmpty()
                .allSatisfy(r -> assertThat(r.tpr()).as(r.group()).isGreaterThanOrEqualTo(0.80));
    }

    @Test
    void benignHardNegativesAreFlaggedAtMost2Percent() {
        InjectionEval.Rate hard = InjectionEval.groups(dev, scores, 0.5, LabelledText::kind).get("benign-hard-negative");
        assertThat(hard.benign()).isGreaterThan(100);
        assertThat(hard.fpr()).isLessThanOrEqualTo(0.02);
    }
}
