package dev.bastion.detect.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.GuardPolicy;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.detect.Scanner;
import dev.bastion.guard.Guard;
import dev.bastion.guard.Inspection;
import dev.bastion.llm.PromptText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * US SSNs under the documented phone regions ({@code [US, GB, DE]}): German numbering accepts many
 * nine-digit groups, and a valid SSN must still be reported as one — a block must not turn into a
 * redaction.
 */
class SsnDetectorTest {
    static final List<String> REGIONS = List.of("US", "GB", "DE");
    final Scanner scanner = new Scanner(PiiDetectors.all(REGIONS));

    /** A number the SSA may issue: area 001–899 but 666, group 01–99, serial 0001–9999, no specimen. */
    static String validSsn(Random r) {
        while (true) {
            int area = 1 + r.nextInt(899), group = 1 + r.nextInt(99), serial = 1 + r.nextInt(9999);
            if (area == 666 || (area == 78 && group == 5 && serial == 1120) || (area == 219 && group == 9 && serial == 9999)) continue;
            return String.format("%03d%02d%04d", area, group, serial);
        }
    }

    /** The nine digits as written: dashes, spaces, dots, or bare. */
    static final String[] FORMS = {"%s-%s-%s", "%s %s %s", "%s.%s.%s", "%s%s%s"};

    /** Sentences around the number; {@code %s} is the number. Bare digits need their context words. */
    static final String[] CONTEXTS = {"SSN: %s", "My social security number is %s.", "ssn %s on file", "Social Security: %s",
            "SSN#%s", "employee (SSN %s) joined", "SS# %s", "soc sec %s", "Social Security No. %s", "my social is %s",
            "SSN:%s", "SSN%s", "S.S.N. %s"};
    static final String[] PLAIN = {"%s", "record: John Smith, %s, Ohio", "use %s for the form", "(%s)", "it is %s."};

    static String written(String digits, String form) {
        return String.format(form, digits.substring(0, 3), digits.substring(3, 5), digits.substring(5));
    }

    List<String> ssns(String text) {
        List<String> out = new ArrayList<>();
        for (Finding f : scanner.scan(text)) if (f.type().equals(SsnDetector.TYPE)) out.add(text.substring(f.start(), f.end()));
        return out;
    }

    @Test
    void aThousandValidSsnsAreSsnsNotPhones() {
        Random r = new Random(15);
        for (int n = 0; n < 1000; n++) {
            String number = written(validSsn(r), FORMS[n % FORMS.length]);
            boolean bare = n % FORMS.length == FORMS.length - 1;
            String[] contexts = bare || r.nextBoolean() ? CONTEXTS : PLAIN;
            String text = String.format(contexts[r.nextInt(contexts.length)], number);
            assertThat(scanner.scan(text)).as(text).singleElement().satisfies(f -> {
                assertThat(f.type()).as(text).isEqualTo(SsnDetector.TYPE);
                assertThat(text.substring(f.start(), f.end())).as(text).isEqualTo(number);
            });
        }
    }

    @Test
    void theDocumentedPolicyBlocksEverySsn() {
        Guard guard = Guard.of(new GuardPolicy(Map.of("default", Action.REDACT, "US_SSN", Action.BLOCK), null, null, null, REGIONS));
        Random r = new Random(1515);
        for (int n = 0; n < 1000; n++) {
            String text = "Customer note: SSN " + written(validSsn(r), FORMS[n % 2]) + ", please verify.";
            Inspection ins = guard.inspect(List.of(new PromptText.Segment("/x", text)));
            assertThat(ins.action()).as(text).isEqualTo(Action.BLOCK);
            assertThat(ins.counts()).as(text).containsOnlyKeys(SsnDetector.TYPE);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SSNs: 123-45-6789 234-56-7890       | 123-45-6789,234-56-7890",
            "SSN +49 123 45 6789                 | 123 45 6789",
            "ssn (030) 123-45-6789               | 123-45-6789",
            "in 1999 123-45-6789 was issued      | 123-45-6789",
    })
    void ssnsNextToOtherNumbers(String text, String expected) {
        assertThat(ssns(text)).containsExactly(expected.split(","));
    }

    /** After a country or area code, a 3-2-4 group is the rest of a phone number. */
    @ParameterizedTest
    @ValueSource(strings = {"+49 123 45 6789", "+1 123-45-6789", "(030) 123-45-6789", "030 123 45 6789"})
    void notSsnsAfterAPhonePrefix(String text) {
        assertThat(ssns(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SSN 123.45.6789 on file                    | 123.45.6789",
            "it is 536.22.1234, I think                 | 536.22.1234",
            "SS#536221234                               | 536221234",
            "soc. sec. no.: 536221234                   | 536221234",
            "my social is 536221234                     | 536221234",
            "Social Security No. 536 22 1234            | 536 22 1234",
            "what is my social security number again? 536221234 | 536221234",
            "SSN123-45-6789                             | 123-45-6789",
    })
    void ssnsInTheirOtherForms(String text, String expected) {
        assertThat(ssns(text)).containsExactly(expected);
    }

    /**
     * Precision: dotted 3-2-4 numbers count without context words (dates, IPs and phone numbers are
     * written in other groupings), but not as versions or inside longer dotted runs; a spaced or dotted
     * group introduced as another kind of number does not count; bare digits need SSN words close by.
     */
    @ParameterizedTest
    @ValueSource(strings = {"version 123.45.6789", "v123.45.6789", "build 123.45.6789", "release 123.45.6789", "1.123.45.6789",
            "123.45.6789.1", "10.123.45.6789", "12.25.2024", "2024.01.15", "415.555.2671", "192.168.100.200",
            "Invoice 123.45.6789", "tracking 123 45 6789", "ref: 123 45 6789", "order 536221234",
            "social media budget 250000000", "123-45-6789.5", "class#536221234",
            "123.45-6789", "123 45-6789"})
    void notSsnsInOtherForms(String text) {
        assertThat(ssns(text)).isEmpty();
    }

    /** The SSA's own dashed form is an SSN whatever introduces it: employee ids and "reference" fields are where SSNs get pasted. */
    @ParameterizedTest
    @ValueSource(strings = {"Employee ID 123-45-6789", "order #123-45-6789", "ref: 123-45-6789", "account 123-45-6789"})
    void theDashedFormIsAnSsnWhateverIntroducesIt(String text) {
        assertThat(ssns(text)).containsExactly("123-45-6789");
    }
}
