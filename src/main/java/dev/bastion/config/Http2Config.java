package dev.bastion.config;

import java.time.Duration;

/**
 * HTTP/2 on the public listener over TLS (ALPN {@code h2}, then {@code http/1.1}). The header list is capped by
 * {@code edge.max_header_bytes}, as HTTP/1.1's header block is; body limits and timeouts are the same.
 *
 * @param enabled                default true (with TLS); h2c (cleartext) is never offered
 * @param maxConcurrentStreams   streams one connection may have open at once; default 100
 * @param maxFrameSize           the largest frame payload accepted; default 16384 (the protocol's minimum)
 * @param rstFloodMaxPerWindow   stream resets a client may cause per window before the connection is closed with
 *                               GOAWAY (rapid reset, CVE-2023-44487); default 200
 * @param rstFloodWindow         that window; default 30s
 */
public record Http2Config(Boolean enabled, Integer maxConcurrentStreams, ByteSize maxFrameSize, Integer rstFloodMaxPerWindow, Duration rstFloodWindow) {
    public Http2Config {
        enabled = enabled == null || enabled;
        maxConcurrentStreams = maxConcurrentStreams == null ? 100 : maxConcurrentStreams;
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > 10_000) {
            throw new IllegalArgumentException("max_concurrent_streams: " + maxConcurrentStreams + " (expected: 1..10000)");
        }
        maxFrameSize = maxFrameSize == null ? new ByteSize(16_384) : maxFrameSize;
        if (maxFrameSize.bytes() < 16_384 || maxFrameSize.bytes() > 16_777_215) {
            throw new IllegalArgumentException("max_frame_size: " + maxFrameSize.bytes() + " (expected: 16384..16777215, RFC 9113 §6.5.2)");
        }
        rstFloodMaxPerWindow = rstFloodMaxPerWindow == null ? 200 : rstFloodMaxPerWindow;
        if (rstFloodMaxPerWindow < 1) throw new IllegalArgumentException("rst_flood_max_per_window: " + rstFloodMaxPerWindow + " (expected: > 0)");
        rstFloodWindow = rstFloodWindow == null ? Duration.ofSeconds(30) : rstFloodWindow;
        EdgeConfig.requirePositive("rst_flood_window", rstFloodWindow);
    }
}
