package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogRedactorTest {
    @Test
    void replacesEveryKnownValueWhereverItOccurs() {
        LogRedactor r = new LogRedactorFixture("sk-alpha-0123456789", "hmac-beta-9876543210").redactor;
        assertThat(r.redact("key=sk-alpha-0123456789 and hmac-beta-9876543210, again sk-alpha-0123456789!"))
                .isEqualTo("key=[REDACTED] and [REDACTED], again [REDACTED]!");
        assertThat(r.redactions()).isEqualTo(3);
    }

    @Test
    void aLineWithoutASecretIsReturnedAsItIs() {
        LogRedactor r = new LogRedactorFixture("sk-alpha-0123456789").redactor;
        String line = "{\"path\":\"/v1/chat\",\"note\":\"sk-alpha-012345678 is one short\"}";
        assertThat(r.redact(line)).isSameAs(line);
        assertThat(r.redactions()).isZero();
    }

    @Test
    void overlappingAndNestedValuesBecomeOneMark() {
        LogRedactor r = new LogRedactorFixture("aaaabbbbcccc", "bbbbccccdddd", "xxaaaabbbbccccddddyy").redactor;
        assertThat(r.redact("<aaaabbbbccccdddd>")).isEqualTo("<[REDACTED]>");
        assertThat(r.redact("<xxaaaabbbbccccddddyy>")).isEqualTo("<[REDACTED]>");
        assertThat(r.redact("aaaabbbbcccc-bbbbccccdddd")).isEqualTo("[REDACTED]-[REDACTED]");
    }

    @Test
    void theJsonEscapedFormIsFoundToo() {
        LogRedactor r = new LogRedactorFixture("pa\"ss\\word-123").redactor;
        assertThat(r.redact("{\"msg\":\"pw pa\\\"ss\\\\word-123\"}")).isEqualTo("{\"msg\":\"pw [REDACTED]\"}");
    }

    @Test
    void valuesShorterThanEightCharactersAreNotScanned() {
        LogRedactor r = new LogRedactorFixture("hunter2").redactor;
        assertThat(r.redact("hunter2 and hunter22")).isEqualTo("hunter2 and hunter22");
    }

    @Test
    void aResolvedSecretIsRedactedByTheProcessWideRedactor() {
        new SecretResolver(java.util.Map.of("K", "sk-resolved-5555666677778888")).resolve(dev.bastion.config.SecretRef.parse("env:K"), "x");
        assertThat(LogRedactor.global().redact("leak sk-resolved-5555666677778888")).isEqualTo("leak [REDACTED]");
    }

    /** A redactor of its own, so the process-wide one's values do not leak between tests. */
    record LogRedactorFixture(LogRedactor redactor) {
        LogRedactorFixture(String... values) {
            this(new LogRedactor());
            List.of(values).forEach(redactor::add);
        }
    }
}
