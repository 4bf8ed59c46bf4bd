package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import java.util.List;

/** The built-in PII detectors. */
public final class PiiDetectors {
    private PiiDetectors() {}

    /** @param phoneRegions region hints for national phone formats; empty means US */
    public static List<Detector> all(List<String> phoneRegions) {
        return List.of(new EmailDetector(), new PhoneDetector(phoneRegions), new SsnDetector(), new CreditCardDetector(),
                new IbanDetector(), new IpAddressDetector());
    }
}
