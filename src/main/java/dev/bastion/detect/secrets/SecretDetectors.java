package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import java.util.List;

/** The secret detectors (control G2), every one reporting {@link dev.bastion.detect.Finding.Category#SECRET}. */
public final class SecretDetectors {
    private SecretDetectors() {}

    /**
     * All of them, specific before generic: when two report the same span ({@code api_key = "sk-proj-…"}), the
     * {@link dev.bastion.detect.Scanner} keeps the earlier, so the vendor type wins over {@code GENERIC_SECRET}.
     */
    public static List<Detector> all() {
        return List.of(new TokenFormatDetector(), new AwsSecretKeyDetector(), new JwtDetector(), new PrivateKeyDetector(),
                new UrlCredentialDetector(), new AssignmentDetector());
    }
}
