package dev.bastion.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.pii.PiiDetectors;
import dev.bastion.detect.secrets.SecretDetectors;
import dev.bastion.testing.Scaling;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entities spelled so that a model still reads them but an ASCII pattern does not: the scanner finds them
 * through the folded view and reports them over the original characters.
 */
class FoldedTextTest {
    static final String CARD = "4111111111111111";
    static final Scanner SCANNER = scanner();

    static Scanner scanner() {
        List<Detector> all = new ArrayList<>(SecretDetectors.all());
        all.addAll(PiiDetectors.all(List.of("US")));
        return new Scanner(all);
    }

    static String spaced(String digits, String sep) {
        return String.join(sep, digits.substring(0, 4), digits.substring(4, 8), digits.substring(8, 12), digits.substring(12));
    }

    static String mapDigits(String s, int zero) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.appendCodePoint(c >= '0' && c <= '9' ? zero + c - '0' : c));
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zero-width", "zero-width-groups", "soft-hyphen", "word-joiner", "bom", "bidi", "tag", "nul", "nbsp", "narrow-nbsp",
            "ideographic-space", "full-width", "arabic-indic", "devanagari", "math-bold", "en-dash", "minus"})
    void aCardNumberAModelWouldReadIsFoundOverItsOwnCharacters(String trick) {
        String card = switch (trick) {
            case "zero-width" -> String.join("\u200b", CARD.split(""));
            case "zero-width-groups" -> spaced(CARD, "\u200d");
            case "soft-hyphen" -> spaced(CARD, "\u00ad");
            case "word-joiner" -> spaced(CARD, "\u2060");
            case "bom" -> spaced(CARD, "\ufeff");
            case "bidi" -> "\u202e" + spaced(CARD, "\u202c") + "\u202c";
            case "tag" -> spaced(CARD, new String(Character.toChars(0xE0020)));
            case "nul" -> spaced(CARD, "\u0000");
            case "nbsp" -> spaced(CARD, "\u00a0");
            case "narrow-nbsp" -> spaced(CARD, "\u202f");
            case "ideographic-space" -> spaced(CARD, "\u3000");
            case "full-width" -> mapDigits(CARD, 0xFF10);
            case "arabic-indic" -> mapDigits(CARD, 0x0660);
            case "devanagari" -> mapDigits(CARD, 0x0966);
            case "math-bold" -> mapDigits(CARD, 0x1D7CE);
            case "en-dash" -> spaced(CARD, "\u2013");
            case "minus" -> spaced(CARD, "\u2212");
            default -> throw new IllegalArgumentException(trick);
        };
        String text = "pay with " + card + " today";
        List<Finding> found = SCANNER.scan(text);
        assertThat(found).extracting(Finding::type).containsExactly("CREDIT_CARD");
        Finding f = found.getFirst();
        assertThat(text.substring(0, f.start())).isEqualTo("pay with " + (trick.equals("bidi") ? "\u202e" : ""));
        assertThat(text.substring(f.end())).isEqualTo(trick.equals("bidi") ? "\u202c today" : " today");
    }

    @Test
    void secretsAndAddressesToo() {
        String key = "AKIA" + "Z7QW3ERT5YUI2OPA";
        StringBuilder wide = new StringBuilder();
        for (char c : key.toCharArray()) wide.append((char) (c + 0xFEE0));
        assertThat(SCANNER.scan("key " + wide)).extracting(Finding::type).containsExactly("AWS_ACCESS_KEY");
        assertThat(SCANNER.scan("key AKIA\u200b" + key.substring(4))).extracting(Finding::type).containsExactly("AWS_ACCESS_KEY");
        String mail = "mail jane.doe\u200b@example.com now";
        Finding f = SCANNER.scan(mail).getFirst();
        assertThat(f.type()).isEqualTo("EMAIL");
        assertThat(mail.substring(f.start(), f.end())).isEqualTo("jane.doe\u200b@example.com");
        assertThat(SCANNER.scan("mail jane.doe\uff20example.com")).extracting(Finding::type).containsExactly("EMAIL");
        assertThat(SCANNER.scan("ssn " + mapDigits("123-45-6789", 0xFF10) + " please")).extracting(Finding::type).contains("US_SSN");
    }

    @Test
    void textThatNeedsNoFoldingIsNotCopiedAndOtherScriptsStayAsTheyAre() {
        assertThat(FoldedText.of("plain ASCII, tabs\tand\nlines")).isNull();
        assertThat(FoldedText.of("Grüße aus Köln, 東京 ✓")).as("letters of any script are not touched").isNull();
        FoldedText f = FoldedText.of("a\u200bb😀c４");
        assertThat(f.text()).isEqualTo("ab😀c4");
        assertThat(SCANNER.scan("Grüße, no card here: 4111 1111")).isEmpty();
    }

    @Test
    void foldingIsLinear() {
        String unit = "Zahlung mit 4\u200b111 ٤١١١ und jane\u200b@example.com ";
        Scaling.assertLinear("scanning folded text", 200, unit::repeat, SCANNER::scan);
    }
}
