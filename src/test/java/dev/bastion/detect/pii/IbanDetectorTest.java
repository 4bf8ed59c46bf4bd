package dev.bastion.detect.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.Finding;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The countries the SWIFT IBAN registry added in recent releases, with their BBAN formats as the
 * registry states them ({@code n} digits, {@code a} upper-case letters, {@code c} either): generated
 * IBANs with check digits computed here, independently of the detector.
 */
class IbanDetectorTest {
    static final Map<String, String> ADDED = Map.ofEntries(
            Map.entry("BI", "5n5n11n2n"), Map.entry("DJ", "5n5n11n2n"), Map.entry("FK", "2a12n"), Map.entry("HN", "4a20n"),
            Map.entry("LY", "3n3n15n"), Map.entry("MN", "4n12n"), Map.entry("NI", "4a20n"), Map.entry("OM", "3n16c"),
            Map.entry("RU", "9n5n15c"), Map.entry("SD", "2n12n"), Map.entry("SO", "4n3n12n"), Map.entry("YE", "4a4n18c"));

    static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", ALNUM = "0123456789" + LETTERS;

    static String bban(String format, Random r) {
        StringBuilder b = new StringBuilder();
        for (int k = 0, count = 0; k < format.length(); k++) {
            char c = format.charAt(k);
            if (Character.isDigit(c)) {
                count = count * 10 + c - '0';
                continue;
            }
            String from = c == 'n' ? "0123456789" : c == 'a' ? LETTERS : ALNUM;
            for (; count > 0; count--) b.append(from.charAt(r.nextInt(from.length())));
        }
        return b.toString();
    }

    /** ISO 13616: 98 minus the remainder of the rearranged IBAN with check digits 00, letters as 10–35. */
    static String withCheckDigits(String country, String bban) {
        StringBuilder n = new StringBuilder();
        for (char c : (bban + country + "00").toCharArray()) n.append(Character.digit(c, 36));
        int check = 98 - new BigInteger(n.toString()).mod(BigInteger.valueOf(97)).intValue();
        return country + String.format("%02d", check) + bban;
    }

    static String grouped(String iban) {
        return iban.replaceAll("(.{4})(?!$)", "$1 ");
    }

    List<String> ibans(String text) {
        List<Finding> out = new ArrayList<>();
        new IbanDetector().scan(text, out);
        return out.stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    /** Examples from the registry's own pages. */
    @ParameterizedTest
    @ValueSource(strings = {"LY83002048000020100120361", "SD2129010501234001", "BI4210000100010000332045181", "DJ2100010000000154000100186",
            "RU0204452560040702810412345678901", "SO211000001001000100141", "NI45BAPR00000013000003558124", "MN121234123456789123",
            "OM810180000001299123456", "YE15CBYE0001018861234567891234", "FK88SC123456789012", "HN88CABF00000000000250005469"})
    void registryExamples(String iban) {
        assertThat(ibans("pay to " + iban + " please")).containsExactly(iban);
        assertThat(ibans("IBAN: " + grouped(iban) + ".")).containsExactly(grouped(iban));
    }

    @Test
    void generatedIbansOfEachAddedCountryAndTheirNearMisses() {
        Random r = new Random(13616);
        for (var country : ADDED.entrySet()) {
            for (int n = 0; n < 50; n++) {
                String iban = withCheckDigits(country.getKey(), bban(country.getValue(), r));
                assertThat(iban).hasSize(IbanDetector.LENGTHS.get(country.getKey()));
                assertThat(ibans("to " + iban + " now")).as(iban).containsExactly(iban);
                assertThat(ibans("to " + grouped(iban) + " now")).as(iban).containsExactly(grouped(iban));
                // A wrong check digit, one char changed, one char missing, one too many: not IBANs.
                int check = Integer.parseInt(iban, 2, 4, 10);
                String wrongCheck = iban.substring(0, 2) + String.format("%02d", check == 98 ? 2 : check + 1) + iban.substring(4);
                int at = 4 + r.nextInt(iban.length() - 4);
                char c = iban.charAt(at);
                String typo = iban.substring(0, at) + (Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : (char) ('A' + (c - 'A' + 1) % 26)) + iban.substring(at + 1);
                for (String bad : List.of(wrongCheck, typo, iban.substring(0, iban.length() - 1), iban + "7")) {
                    assertThat(ibans("to " + bad + " now")).as(bad).isEmpty();
                }
            }
        }
    }
}
