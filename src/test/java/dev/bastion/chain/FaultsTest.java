package dev.bastion.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A fault is logged by its class and place: a parser's message quoting the request never reaches the log. */
class FaultsTest {
    private static final String SECRET = "sk-live-4eC39HqLyjWDarjtT1zdp7dc";

    private static Exception parserFault() {
        try {
            new ObjectMapper().readTree(SECRET + " is not JSON");
            throw new AssertionError("parsed");
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).as("the attack: Jackson quotes the input").contains("sk");
            return e;
        }
    }

    @Test
    void describesTheClassAndWhereItWasThrownNotTheMessage() {
        Exception e = parserFault();
        String described = Faults.describe(new IllegalStateException("wrapped " + SECRET, e));
        assertThat(described).startsWith("java.lang.IllegalStateException at dev.bastion.chain.FaultsTest.").doesNotContain(SECRET, "sk-live");
        assertThat(Faults.describe(e)).contains("JsonParseException").doesNotContain("sk-live");
    }

    @Test
    void aLoggedStackKeepsItsFramesAndDropsEveryMessage() {
        Exception e = new IllegalArgumentException("header value " + SECRET, parserFault());
        try (LogCapture logs = LogCapture.capture()) {
            LoggerFactory.getLogger(FaultsTest.class).error("internal error: {}", Faults.describe(e), Faults.withoutMessages(e));
            String line = String.join("\n", logs.errors());
            assertThat(line).contains("java.lang.IllegalArgumentException", "JsonParseException", "FaultsTest.parserFault", "Caused by")
                    .doesNotContain(SECRET, "sk-live", "header value", "Unrecognized token");
        }
    }
}
