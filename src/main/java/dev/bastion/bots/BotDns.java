package dev.bastion.bots;

import io.vertx.core.Future;
import java.util.List;

/**
 * The two DNS questions a verified-bot check asks. A failed future is a failed lookup; the verifier treats it as
 * "not verified" (fail closed), never as verified.
 */
public interface BotDns {
    /** The PTR names of {@code ip} (a dotted IPv4 or an IPv6 address). */
    Future<List<String>> reverse(String ip);

    /** Every address {@code name} resolves to, formatted as {@link dev.bastion.net.IpAddresses#format} does. */
    Future<List<String>> addresses(String name);
}
