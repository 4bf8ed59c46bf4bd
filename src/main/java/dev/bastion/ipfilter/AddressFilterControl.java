package dev.bastion.ipfilter;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * The client-address rules (IP allow and deny lists, countries; W3, W5) as the first step of the public
 * listener: a refused address costs no path decoding, no routing and no credential lookup. Refused with
 * 403 and the connection closed — nothing more from that client is read.
 */
public final class AddressFilterControl implements Control {
    private final AddressFilter filter;

    public AddressFilterControl(AddressFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "address";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        AddressFilter.Refusal refused = filter.check(ex.clientIp());
        return refused == null ? Verdict.ALLOWED : new Verdict.Deny(403, refused.code(), refused.message()).closing().future();
    }
}
