package dev.bastion.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security-relevant events (O2), one structured JSON line each on the {@code bastion.audit} logger with
 * an {@code event} name and flat fields. Callers pass ids and numbers only — never a key, token, prompt
 * or body. Today the events go where the process's diagnostics go; the audit trail issue gives them
 * their own durable, tamper-evident store behind this same interface.
 */
public interface AuditLog {
    void event(String event, Map<String, ?> fields);

    /** Writes to the {@code bastion.audit} logger. */
    static AuditLog toLogger() {
        Logger log = LoggerFactory.getLogger("bastion.audit");
        return (event, fields) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("event", event);
            all.putAll(fields);
            log.info("audit {}", event, StructuredArguments.entries(all));
        };
    }
}
