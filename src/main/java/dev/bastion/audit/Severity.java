package dev.bastion.audit;

import java.util.Locale;

/** Syslog's severities (RFC 5424), least to most severe; {@link #cef()} is the CEF 0–10 scale. */
public enum Severity {
    INFO(3), NOTICE(4), WARNING(6), ERROR(8), CRITICAL(9), ALERT(10);

    private final int cef;

    Severity(int cef) {
        this.cef = cef;
    }

    public int cef() {
        return cef;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
