package dev.bastion.server;

import dev.bastion.config.EdgeConfig;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.ipfilter.AddressFilter;
import dev.bastion.observe.AccessLog;
import dev.bastion.observe.GatewayMetrics;
import io.vertx.core.Vertx;

/**
 * What every request handler on every event loop shares: read-only after start.
 *
 * @param addressFilter the client-address rules (IP lists, countries) checked before anything else, or null when none are configured
 */
record GatewayContext(Vertx vertx, EdgeConfig edge, ClientIpResolver clientIps, AccessLog accessLog,
                      GatewayMetrics metrics, boolean tls, AddressFilter addressFilter) {}
