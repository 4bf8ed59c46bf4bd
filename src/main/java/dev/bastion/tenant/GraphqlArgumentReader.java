package dev.bastion.tenant;

import dev.bastion.chain.Exchange;
import java.util.List;

/**
 * Reads one GraphQL argument's values out of a request, for a {@code graphql:} binding. Supplied by the
 * assembly (the GraphQL parsing lives in its own control package, which this one does not import).
 */
@FunctionalInterface
public interface GraphqlArgumentReader {
    /**
     * Every value the argument {@code name} takes in the request — as a field or directive argument or an
     * input-object field, anywhere in every operation and fragment of every document of a batch, variables
     * resolved (and any variable object's field of that name) — as text. Empty when it occurs nowhere; null
     * when the request cannot be read unambiguously (not parseable, a value that is not a string or an
     * integer, a variable without a value): the binding then fails closed.
     */
    List<String> values(Exchange exchange, String name);
}
