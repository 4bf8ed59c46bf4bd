package dev.bastion.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Scanner's fast paths change no finding: for every corpus row, trick and random text, the findings are
 * those of the frozen {@link ReferenceScanner} (the Scanner and TextShape as they were before them).
 */
class ScannerEquivalenceTest {
    private static final Scanner SCANNER = new Scanner(TextShapeTest.ALL);
    private static final ReferenceScanner REFERENCE = new ReferenceScanner(TextShapeTest.ALL);

    @Test
    void findingsAreTheReferencesOnTricksAndRandomTexts() {
        check(EquivalenceInputs.adversarial());
        check(EquivalenceInputs.random(20_000));
    }

    @Test
    void findingsAreTheReferencesOnEveryCorpusRow() {
        check(EquivalenceInputs.corpus());
    }

    private static void check(List<String> texts) {
        for (String text : texts) {
            assertThat(SCANNER.scan(text)).as("findings of %s", EquivalenceInputs.shown(text)).isEqualTo(REFERENCE.scan(text));
            assertThat(TextShape.of(text)).as("shape of %s", EquivalenceInputs.shown(text)).isEqualTo(ReferenceTextShape.of(text));
        }
    }
}
