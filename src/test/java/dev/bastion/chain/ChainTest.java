package dev.bastion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainTest {
    record Fixed(Stage stage, String name, Future<Verdict> result, List<String> calls) implements Control {
        @Override
        public Future<Verdict> check(Exchange exchange) {
            calls.add(name);
            return result;
        }
    }

    @Test
    void firstDenyEndsTheChain() {
        List<String> calls = new ArrayList<>();
        Chain chain = new Chain(List.of(
                new Fixed(Stage.AUTHENTICATE, "a", Verdict.ALLOWED, calls),
                new Fixed(Stage.AUTHORIZE, "b", new Verdict.Deny(403, "nope", "no").future(), calls),
                new Fixed(Stage.LIMIT, "c", Verdict.ALLOWED, calls)));
        Verdict v = chain.run(Exchange.builder().build()).result();
        assertThat(v).isEqualTo(new Verdict.Deny(403, "nope", "no"));
        assertThat(calls).containsExactly("a", "b");
    }

    @Test
    void aFailedOrThrowingOrNullControlIsAFaultNeverAnAllow() {
        List<String> calls = new ArrayList<>();
        Control throwing = new Control() {
            public Stage stage() { return Stage.LIMIT; }
            public String name() { return "throws"; }
            public Future<Verdict> check(Exchange e) { throw new IllegalStateException("boom"); }
        };
        for (Control broken : List.of(new Fixed(Stage.AUTHENTICATE, "fails", Future.failedFuture("store down"), calls), throwing,
                new Fixed(Stage.AUTHENTICATE, "null", Future.succeededFuture(null), calls))) {
            Verdict v = new Chain(List.of(broken)).run(Exchange.builder().build()).result();
            assertThat(v).isInstanceOf(Verdict.Deny.class);
            assertThat(((Verdict.Deny) v).status()).isEqualTo(503);
        }
    }

    @Test
    void asynchronousControlsContinueInOrder() {
        List<String> calls = new ArrayList<>();
        Promise<Verdict> later = Promise.promise();
        Chain chain = new Chain(List.of(
                new Fixed(Stage.AUTHENTICATE, "async", later.future(), calls),
                new Fixed(Stage.LIMIT, "after", Verdict.ALLOWED, calls)));
        Future<Verdict> f = chain.run(Exchange.builder().build());
        assertThat(f.isComplete()).isFalse();
        assertThat(calls).containsExactly("async");
        later.complete(Verdict.ALLOW);
        assertThat(f.result()).isEqualTo(Verdict.ALLOW);
        assertThat(calls).containsExactly("async", "after");
    }

    @Test
    void controlsOutOfStageOrderAreRefusedAtAssembly() {
        List<String> calls = new ArrayList<>();
        assertThatThrownBy(() -> new Chain(List.of(new Fixed(Stage.LIMIT, "limit", Verdict.ALLOWED, calls),
                new Fixed(Stage.AUTHENTICATE, "authn", Verdict.ALLOWED, calls))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authn (AUTHENTICATE) is placed after limit (LIMIT)");
    }
}
