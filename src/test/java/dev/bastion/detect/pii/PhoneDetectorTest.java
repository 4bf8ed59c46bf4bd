package dev.bastion.detect.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.bastion.detect.Finding;
import dev.bastion.detect.Scanner;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real numbers of the documented regions stay phone numbers now that an SSN over the same digits wins. */
class PhoneDetectorTest {
    final Scanner scanner = new Scanner(PiiDetectors.all(List.of("US", "GB", "DE")));

    void assertOnePhone(String text, String number) {
        assertThat(scanner.scan(text)).as(text).singleElement().satisfies(f -> {
            assertThat(f.type()).as(text).isEqualTo(PhoneDetector.TYPE);
            assertThat(text.substring(f.start(), f.end())).as(text).isEqualTo(number);
        });
    }

    /** libphonenumber's own example of each kind of number in each region, national and international. */
    @ParameterizedTest
    @ValueSource(strings = {"US", "GB", "DE"})
    void everyKindOfNumberOfEachRegion(String region) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        for (PhoneNumberType type : List.of(PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)) {
            PhoneNumber example = util.getExampleNumberForType(region, type);
            if (example == null) continue;
            for (PhoneNumberFormat format : List.of(PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164)) {
                String number = util.format(example, format);
                assertOnePhone("please call " + number + " today", number);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Berlin office 030 123-45-6789           | 030 123-45-6789",
            "Zentrale (030) 123 45 6789              | (030) 123 45 6789",
            "mobile 0151 23456789                    | 0151 23456789",
            "Hamburg +49 40 123456789                | +49 40 123456789",
            "support 0800 123 4567                   | 0800 123 4567",
    })
    void germanNumbersWithAnSsnShapedTailAreStillPhones(String text, String number) {
        assertOnePhone(text, number);
    }
}
