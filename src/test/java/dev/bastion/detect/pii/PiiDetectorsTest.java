package dev.bastion.detect.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bastion.detect.Finding;
import dev.bastion.detect.Scanner;
import dev.bastion.detect.Spans;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Positives with exact spans, and the near-misses each detector must leave alone. */
class PiiDetectorsTest {
    final Scanner scanner = new Scanner(PiiDetectors.all(List.of("US", "GB", "DE")));

    /** The one entity of {@code type} in {@code text}, as its text. */
    List<String> found(String type, String text) {
        List<String> out = new ArrayList<>();
        for (Finding f : scanner.scan(text)) if (f.type().equals(type)) out.add(text.substring(f.start(), f.end()));
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Write to jane.doe@example.com today                 | jane.doe@example.com",
            "<a href=\"mailto:j_o+tag@mail.example.co.uk\">x</a>   | j_o+tag@mail.example.co.uk",
            "contact: ops-team@sub-domain.example.org.           | ops-team@sub-domain.example.org",
    })
    void emails(String text, String expected) {
        assertThat(found("EMAIL", text)).containsExactly(expected);
    }

    /** Internationalised addresses (RFC 6531): punycode or Unicode domains, Unicode local parts. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "write to user@xn--bcher-kva.example today      | user@xn--bcher-kva.example",
            "mail user@xn--bcher-kva.xn--p1ai now           | user@xn--bcher-kva.xn--p1ai",
            "schreib an jürgen@bücher.de.                   | jürgen@bücher.de",
            "邮箱 用户@例子.广告                               | 用户@例子.广告",
            "пишите: пользователь@пример.рф                 | пользователь@пример.рф",
            "γράψε στο δοκιμή@παράδειγμα.δοκιμή             | δοκιμή@παράδειγμα.δοκιμή",
            "संपर्क करें: संपर्क@डाटामेल.भारत                    | संपर्क@डाटामेल.भारत",
            "José.Núñez+fact@correo.españa.es               | José.Núñez+fact@correo.españa.es",
    })
    void internationalisedEmails(String text, String expected) {
        assertThat(found("EMAIL", text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jürgen@localhost", "ü@ö.ü", "name@bücher.123", "用户@例子", "@例子.广告", "user@example.xn--", "user@bücher.d3",
            "jürgen..x@bücher.de", "@Überschrift über.alles"})
    void notInternationalisedEmails(String text) {
        assertThat(found("EMAIL", text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"@Override public void run()", "user@localhost", "a@b.c", "x..y@example.com", "name@example.123", "npm i @scope/pkg@1.2.3"})
    void notEmails(String text) {
        assertThat(found("EMAIL", text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Call me at +1 415-555-2671 tomorrow       | +1 415-555-2671",
            "office: (415) 555-2671                    | (415) 555-2671",
            "London +44 20 7946 0958                   | +44 20 7946 0958",
            "UK national 020 7946 0958                 | 020 7946 0958",
            "Berlin 030 12345678                       | 030 12345678",
            "my preferred number is 415-555-2671       | 415-555-2671",
    })
    void phones(String text, String expected) {
        assertThat(found("PHONE", text)).containsExactly(expected);
    }

    @Test
    void twoNumbersInOneRunAreBothFound() {
        assertThat(found("PHONE", "two: 415-555-2671 / 415-555-2672")).containsExactly("415-555-2671", "415-555-2672");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Order #4155552671 shipped", "order number 4155552671", "tracking 4155552671", "invoice 415-555-2671",
            "pi is 3.14159265358979", "build 20240115123456", "call 123-456-7890", "year 2024, 12345 units",
            "on 2024-01-15 10:30", "due 12/25/2024 09", "am 15.01.2024 1200", "x4155552671"})
    void notPhones(String text) {
        assertThat(found("PHONE", text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SSN 123-45-6789 on file      | 123-45-6789",
            "ssn: 536 22 1234             | 536 22 1234",
            "Social Security: 536221234   | 536221234",
    })
    void ssns(String text, String expected) {
        assertThat(found("US_SSN", text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000", "078-05-1120", "12-25-2024",
            "2024-01-15", "1234-56-789", "415-555-2671", "123-45-6789-0", "order 536221234", "ID 123-45-67890", "v123-45-6789"})
    void notSsns(String text) {
        assertThat(found("US_SSN", text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "card 4111 1111 1111 1111 exp 12/29    | 4111 1111 1111 1111",
            "card 4111-1111-1111-1111              | 4111-1111-1111-1111",
            "4111111111111111                      | 4111111111111111",
            "amex 3782 822463 10005                | 3782 822463 10005",
            "mc 5555555555554444.                  | 5555555555554444",
            "mc2 2223000048400011                  | 2223000048400011",
            "discover 6011111111111117             | 6011111111111117",
            "jcb 3530111333300000                  | 3530111333300000",
            "in 2024 4111 1111 1111 1111 was used  | 4111 1111 1111 1111",
    })
    void cards(String text, String expected) {
        assertThat(found("CREDIT_CARD", text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "1234567812345678", "4111 1111-1111 1111", "41111111111111111111111",
            "9111111111111111", "ts 1700000000000000", "abc4111111111111111", "4111111111111111x"})
    void notCards(String text) {
        assertThat(found("CREDIT_CARD", text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pay to DE89370400440532013000 now        | DE89370400440532013000",
            "IBAN: GB29 NWBK 6016 1331 9268 19        | GB29 NWBK 6016 1331 9268 19",
            "FR1420041010050500013M02606              | FR1420041010050500013M02606",
            "NO9386011117947                          | NO9386011117947",
    })
    void ibans(String text, String expected) {
        assertThat(found("IBAN", text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013001", "DE8937040044053201300", "XX89370400440532013000", "de89370400440532013000",
            "GB29 NWBK 6016 1331 9268 1", "ABDE89370400440532013000"})
    void notIbans(String text) {
        assertThat(found("IBAN", text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "server at 192.168.1.20 is down        | 192.168.1.20",
            "ping 8.8.8.8.                         | 8.8.8.8",
            "v6 2001:db8::8a2e:370:7334 here       | 2001:db8::8a2e:370:7334",
            "loopback ::1 and fe80::1              | fe80::1",
            "mapped ::ffff:10.0.0.1                | ::ffff:10.0.0.1",
    })
    void ips(String text, String expected) {
        assertThat(found("IP_ADDRESS", text)).contains(expected);
    }

    /** IPv6 with an embedded IPv4 part, zone ids and brackets: one span, the whole address and its zone. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mapped ::ffff:192.0.2.1 here                  | ::ffff:192.0.2.1",
            "nat64 64:ff9b::198.51.100.7 here              | 64:ff9b::198.51.100.7",
            "doc 2001:db8::192.0.2.33.                     | 2001:db8::192.0.2.33",
            "full 0:0:0:0:0:ffff:192.0.2.1 here            | 0:0:0:0:0:ffff:192.0.2.1",
            "long 0000:0000:0000:0000:0000:ffff:192.0.2.1  | 0000:0000:0000:0000:0000:ffff:192.0.2.1",
            "compat ::192.0.2.1                            | ::192.0.2.1",
            "six 2001:db8:1:2:3:4:192.0.2.1                | 2001:db8:1:2:3:4:192.0.2.1",
            "link-local fe80::1ff:fe23:4567:890a%eth0, up  | fe80::1ff:fe23:4567:890a%eth0",
            "windows fe80::1%12 here                       | fe80::1%12",
            "url http://[2001:db8::1]:8080/x               | 2001:db8::1",
            "url http://[::ffff:192.0.2.1]:80/             | ::ffff:192.0.2.1",
    })
    void ipv6WithItsIpv4PartAndZoneIsOneAddress(String text, String expected) {
        assertThat(found("IP_ADDRESS", text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:1:2:3:4:5:192.0.2.1", "::ffff:256.0.0.1", "::ffff:192.0.2", "::ffff:192.0.02.1",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "2001:db8::1.2.3.4.5", "::ffff:192.0.2.1x"})
    void notIpv6(String text) {
        assertThat(found("IP_ADDRESS", text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.2.3.4", "version 10.0.2.1", "release 4.2.1.0 notes", "1.2.3.4.5", "256.1.1.1", "01.02.03.04", "12:30:45",
            "00:1A:2B:3C:4D:5E", "1.2.3", "build 2.10.3.1"})
    void notIps(String text) {
        assertThat(found("IP_ADDRESS", text)).isEmpty();
    }

    @Test
    void spansStayRightAfterNonBmpCharactersAndConvertToCodePoints() {
        String text = "😀🎉 mail jane@example.com and 🧪 card 4111111111111111";
        List<Finding> f = scanner.scan(text);
        assertThat(f).extracting(x -> text.substring(x.start(), x.end())).containsExactly("jane@example.com", "4111111111111111");
        // Code points: each emoji is one (two UTF-16 chars).
        assertThat(Spans.codePointOffset(text, f.get(0).start())).isEqualTo(text.indexOf("jane") - 2);
        assertThat(Spans.codePointOffset(text, f.get(1).start())).isEqualTo(text.indexOf("4111") - 3);
    }

    @Test
    void customEntitiesUseLinearTimeRegexAndRefuseBadPatterns() {
        RegexDetector employee = new RegexDetector("EMPLOYEE_ID", "EMP-[0-9]{6}");
        List<Finding> out = new ArrayList<>();
        employee.scan("ask EMP-123456 or EMP-12345", out);
        assertThat(out).singleElement().satisfies(x -> assertThat(x.type()).isEqualTo("EMPLOYEE_ID"));
        assertThatThrownBy(() -> new RegexDetector("X", "(a)\\1")).hasMessageContaining("RE2");
        assertThatThrownBy(() -> new RegexDetector("X", "a*")).hasMessageContaining("empty");
        assertThatThrownBy(() -> new RegexDetector("lower", "a")).hasMessageContaining("UPPER_SNAKE_CASE");
        // The classic catastrophic pattern is linear under RE2.
        RegexDetector evil = new RegexDetector("EVIL", "(a+)+b");
        String input = "a".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> evil.scan(input, new ArrayList<>()));
    }

    @Test
    void overlapsResolveToOneEntityPerCharacter() {
        // A card number inside an e-mail-like local part: one entity wins, never both.
        String text = "4111111111111111@example.com";
        assertThat(scanner.scan(text)).hasSize(1);
    }

    @Test
    void longAndHostileInputsStayLinear() {
        List<String> inputs = List.of("a@".repeat(300_000), "1-".repeat(300_000), "4111 ".repeat(200_000), "1.".repeat(300_000),
                "DE89 ".repeat(200_000), "::".repeat(300_000), "+1 415 555 ".repeat(60_000), "x".repeat(1_000_000),
                "ü@".repeat(300_000), "用户@例子.".repeat(100_000), "SSN 536 22 1234 ".repeat(20_000), "123.45.6789.".repeat(50_000),
                "fe80::1%".repeat(100_000), "::ffff:1.2.3.4:".repeat(40_000));
        for (String input : inputs) {
            long t0 = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> scanner.scan(input), () -> "slow on " + input.substring(0, 8) + "…");
            System.out.printf("scan of %d chars of '%s…': %d ms%n", input.length(), input.substring(0, 6), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    void unknownPhoneRegionsAreRefused() {
        assertThatThrownBy(() -> new PhoneDetector(List.of("XX"))).hasMessageContaining("XX");
    }

}
