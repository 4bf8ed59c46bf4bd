package dev.bastion.detect.injection.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.detect.injection.LabelledText;
import dev.bastion.testing.Corpora;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled head against the corpus it was trained on ($BASTION_CORPORA/injection; skipped when absent). */
class EmbeddingHeadCorpusTest {
    /**
     * The head's figures hold for the corpus it was trained on; another corpus at $BASTION_CORPORA (a newer
     * release, someone's own) is a reason to retrain, not a failure of the product, so the tests skip loudly.
     */
    @BeforeAll
    static void trainedOnThisCorpus() throws Exception {
        Path train = Corpora.require("injection/train.jsonl");
        JsonNode head;
        try (InputStream in = EmbeddingInjectionModel.class.getResourceAsStream(EmbeddingInjectionModel.HEAD_RESOURCE)) {
            head = new ObjectMapper().readTree(in);
        }
        boolean same = head.path("trainedOn").path("sha256").asText().equals(CorpusEmbeddings.sha256(train));
        if (!same) System.err.println("CONFORMANCE SKIPPED: train.jsonl changed since the embedding head was trained; retrain with " + head.path("command").asText());
        Assumptions.assumeTrue(same, "train.jsonl changed since the embedding head was trained");
    }

    @Test
    void aSampleOfDevRowsScoresAsTheHeadFileSays() {
        List<LabelledText> dev = LabelledText.read(Corpora.require("injection/dev.jsonl"));
        List<LabelledText> sample = IntStream.range(0, dev.size()).filter(i -> i % 20 == 0).mapToObj(dev::get).toList();
        try (EmbeddingInjectionModel model = EmbeddingInjectionModel.load()) {
            int attacks = 0, caught = 0, benign = 0, falseAlarms = 0;
            for (LabelledText row : sample) {
                boolean flagged = model.score(row.text()) >= model.threshold();
                if (row.attack()) {
                    attacks++;
                    if (flagged) caught++;
                } else {
                    benign++;
                    if (flagged) falseAlarms++;
                }
            }
            // Loose bounds for ~100 rows around the head file's dev figures (TPR 0.47, FPR 0.018).
            assertThat((double) caught / attacks).isBetween(0.25, 0.75);
            assertThat((double) falseAlarms / benign).isLessThan(0.07);
        }
    }
}
