package dev.bastion.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every diagnostic log event as rendered text, so tests can assert that a secret, key or
 * prompt never reaches a log line. (Access-log lines are captured by {@link TestGateway#accessLines()}.)
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> rendered = new ArrayList<>();
    private final dev.bastion.secrets.RedactingJsonEncoder json = new dev.bastion.secrets.RedactingJsonEncoder();

    public static LogCapture capture() {
        LogCapture c = new LogCapture();
        c.setName("capture");
        c.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        c.json.setContext(c.getContext());
        c.json.start();
        c.start();
        root().addAppender(c);
        return c;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
        // Structured arguments (audit fields) are not in the message text but do reach the JSON line.
        if (e.getArgumentArray() != null) for (Object a : e.getArgumentArray()) sb.append(' ').append(a);
        if (e.getThrowableProxy() != null) sb.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        lines.add(sb.toString());
        rendered.add(new String(json.encode(e), java.nio.charset.StandardCharsets.UTF_8));
        if (e.getLevel().isGreaterOrEqual(Level.ERROR)) errors.add(sb.toString());
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines logged at ERROR: a request, however hostile, that produces one has found a fault. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** The JSON lines exactly as the production writer (logback.xml's encoder) prints them, redaction included. */
    public synchronized List<String> rendered() {
        return List.copyOf(rendered);
    }

    public synchronized String all() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
