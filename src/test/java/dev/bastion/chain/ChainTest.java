package dev.bastion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chain's own rule: stage order, checked at assembly. How it runs is the server's ChainRunnerTest. */
class ChainTest {
    record Fixed(Stage stage, String name) implements Control {
        @Override
        public Future<Verdict> check(Exchange exchange) {
            return Verdict.ALLOWED;
        }
    }

    @Test
    void controlsOutOfStageOrderAreRefusedAtAssembly() {
        assertThatThrownBy(() -> new Chain(List.of(new Fixed(Stage.LIMIT, "limit"), new Fixed(Stage.AUTHENTICATE, "authn"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authn (AUTHENTICATE) is placed after limit (LIMIT)");
    }

    @Test
    void controlsOfOneStageKeepTheirOrder() {
        Chain chain = new Chain(List.of(new Fixed(Stage.EDGE, "b"), new Fixed(Stage.EDGE, "a"), new Fixed(Stage.GUARD_IN, "g")));
        assertThat(chain.controls()).extracting(Control::name).containsExactly("b", "a", "g");
    }

    @Test
    void aChangedJsonBodyIsSerialisedOnceAndOnlyThenDiffersFromWhatArrived() {
        Exchange ex = Exchange.builder().body(io.vertx.core.buffer.Buffer.buffer("{\"a\":\"x\",\"n\":1}")).build();
        assertThat(ex.outboundBody()).as("nothing changed: the bytes as received").isSameAs(ex.body());
        JsonBody json = ex.json();
        assertThat(ex.json()).as("parsed once, shared").isSameAs(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.tree()).put("a", "[REDACTED]");
        json.changed();
        json.beforeSend(o -> o.put("extra", true));
        assertThat(json.tree().has("extra")).as("an upstream-only edit waits for the send").isFalse();
        String sent = ex.outboundBody().toString();
        assertThat(sent).isEqualTo("{\"a\":\"[REDACTED]\",\"n\":1,\"extra\":true}");
        assertThat(ex.outboundBody()).as("serialised once").isSameAs(ex.outboundBody());
        Exchange notJson = Exchange.builder().body(io.vertx.core.buffer.Buffer.buffer("{not json")).build();
        assertThat(notJson.json().tree()).isNull();
        notJson.json().changed();
        assertThat(notJson.outboundBody()).as("no tree: the bytes as received").isSameAs(notJson.body());
    }
}
