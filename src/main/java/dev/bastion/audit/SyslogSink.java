package dev.bastion.audit;

import dev.bastion.config.AuditSinkConfig;
import dev.bastion.store.AuditRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code syslog} sink: RFC 5424 messages over TCP with TLS (RFC 5425), each framed by octet counting
 * ({@code LENGTH SP MESSAGE}, RFC 6587 §3.4.1), so a message can never be split or joined by what it holds. The
 * receiver's certificate must chain to {@code ca_file} (or the JVM's trust store) and name {@code host}: a
 * receiver with another certificate is refused before anything is sent. One connection, made again after a
 * failure (with the runner's back-off).
 *
 * <p>{@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [bastion@32473 …]}: facility 10 (security/authorization),
 * severity from the event's ({@code info} 6 … {@code alert} 1), HOSTNAME the node, MSGID the event type, and the
 * schema as structured data — or, with {@code format: json}, no structured data and the JSON line as the message.
 * 32473 is the private enterprise number RFC 5612 reserves for examples: SIEM parsers match the SD-ID by name.
 */
final class SyslogSink implements AuditSink {
    static final String SD_ID = "bastion@32473";
    static final int FACILITY = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final boolean json;
    private final String appName;
    private SSLSocket socket;
    private OutputStream out;

    private SyslogSink(String host, int port, SSLContext tls, boolean json, String appName) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.json = json;
        this.appName = appName;
    }

    static SyslogSink of(AuditSinkConfig c) {
        try {
            return new SyslogSink(c.host(), c.port(), context(c.caFile() == null ? null : Path.of(c.caFile())), c.format() == AuditSinkConfig.Format.JSON,
                    c.appName());
        } catch (IOException | GeneralSecurityException e) {
            throw new dev.bastion.config.ConfigException("audit.sinks." + c.name() + ".ca_file: cannot be read as PEM certificates (" + e.getClass().getSimpleName() + ")");
        }
    }

    static SSLContext context(Path caFile) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        if (caFile == null) {
            ctx.init(null, null, null);
            return ctx;
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca-" + i++, cert);
            if (i == 0) throw new GeneralSecurityException("no certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void send(List<AuditRow> batch) throws IOException {
        if (out == null) connect();
        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream(batch.size() * 512);
        for (AuditRow r : batch) {
            byte[] msg = message(r, appName, json).getBytes(StandardCharsets.UTF_8);
            frames.write((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
            frames.write(msg);
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            if (dev.bastion.net.IpAddresses.parse(host) == null) p.setServerNames(List.of(new SNIHostName(host))); // SNI names hosts, not addresses
            s.setSSLParameters(p);
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            socket = s;
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** One RFC 5424 message, without its frame. */
    static String message(AuditRow r, String appName, boolean json) {
        Severity sev;
        try {
            sev = Severity.valueOf(r.severity().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            sev = Severity.NOTICE;
        }
        StringBuilder b = new StringBuilder(512).append('<').append(FACILITY * 8 + syslogSeverity(sev)).append(">1 ")
                .append(TIME.format(Instant.ofEpochMilli(r.ts()))).append(' ').append(field(r.node(), 255)).append(' ')
                .append(field(appName, 48)).append(" - ").append(field(r.type(), 32)).append(' ');
        if (json) return b.append("- ").append(AuditFormats.eventJson(r).encode()).toString();
        b.append('[').append(SD_ID);
        param(b, "id", r.id());
        if (r.seq() > 0) param(b, "seq", Long.toString(r.seq()));
        param(b, "severity", r.severity());
        param(b, "actor_kind", r.actorKind());
        param(b, "actor_id", r.actorId());
        param(b, "org", r.actorOrg());
        param(b, "action", r.action());
        param(b, "target", r.target());
        param(b, "result", r.result());
        param(b, "reason", r.reason());
        param(b, "request_id", r.requestId());
        param(b, "trace_id", r.traceId());
        param(b, "ip", r.ip());
        if (r.fields() != null && !"{}".equals(r.fields())) param(b, "fields", r.fields());
        param(b, "hash", r.hash());
        return b.append(']').toString();
    }

    /** RFC 5424 severities: 1 alert … 6 informational. */
    static int syslogSeverity(Severity s) {
        return switch (s) {
            case INFO -> 6;
            case NOTICE -> 5;
            case WARNING -> 4;
            case ERROR -> 3;
            case CRITICAL -> 2;
            case ALERT -> 1;
        };
    }

    /** A header field: printable US-ASCII without spaces, bounded; {@code -} when absent. */
    private static String field(String s, int max) {
        if (s == null || s.isEmpty()) return "-";
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }

    /** {@code name="value"} with {@code "}, {@code \} and {@code ]} escaped (RFC 5424 §6.3.3). */
    private static void param(StringBuilder b, String name, String value) {
        if (value == null) return;
        b.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') b.append('\\');
            b.append(c);
        }
        b.append('"');
    }

    @Override
    public void reset() {
        close();
    }

    @Override
    public void close() {
        out = null;
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException ignored) {
            // a new connection is made at the next send
        }
        socket = null;
    }
}
