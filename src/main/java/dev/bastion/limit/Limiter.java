package dev.bastion.limit;

import io.vertx.core.Future;
import java.util.List;

/** Where limit state lives: this process, or Redis (shared by every instance). */
interface Limiter {
    /**
     * Takes one unit from every limit, all or none.
     *
     * @param keys one per policy, naming whose counter it is
     */
    Future<Decision> acquire(List<Policy> policies, List<String> keys);
}
