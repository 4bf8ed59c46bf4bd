package dev.bastion.detect.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scan jumps to the names that can reach the next separator: one as far from its name as the syntax
 * allows (an escaped quote, then 16 blanks) is still read, wherever it sits in the text.
 */
class AssignmentDetectorTest {
    private static final String VALUE = "Xk9#mQ2$vL7p";

    @Test
    void aSeparatorAtTheFarthestReachOfItsNameIsFound() {
        for (String before : List.of("", "x", "plain prose. ".repeat(20), "a: b = c ".repeat(5), "padding_".repeat(300))) {
            String text = before + " password\\\"" + " ".repeat(16) + ": \"" + VALUE + "\" ok";
            assertThat(values(text)).as(before).containsExactly(VALUE);
        }
    }

    @Test
    void oneBlankFurtherIsNoAssignment() {
        assertThat(values("so password\\\"" + " ".repeat(17) + ": \"" + VALUE + "\"")).isEmpty();
    }

    @Test
    void aLongNameIsReadFromItsStartWhateverTheSeparatorsAround() {
        String text = "note: " + "word ".repeat(30) + "X".repeat(60) + "_api_key=" + VALUE + " and x = y";
        assertThat(values(text)).containsExactly(VALUE);
    }

    private static List<String> values(String text) {
        List<Finding> found = new ArrayList<>();
        new AssignmentDetector().scan(text, found);
        return found.stream().map(f -> text.substring(f.start(), f.end())).toList();
    }
}
