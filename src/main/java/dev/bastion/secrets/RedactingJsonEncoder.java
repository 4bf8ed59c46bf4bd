package dev.bastion.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The JSON diagnostics encoder (logback.xml), with every known secret value replaced in the finished line
 * ({@link LogRedactor}): what reaches stderr is checked after every field — message, arguments, stack
 * trace — has been rendered, so no field is missed.
 */
public class RedactingJsonEncoder extends LogstashEncoder {
    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] line = super.encode(event);
        String text = new String(line, StandardCharsets.UTF_8);
        String redacted = LogRedactor.global().redact(text);
        return redacted == text ? line : redacted.getBytes(StandardCharsets.UTF_8);
    }
}
