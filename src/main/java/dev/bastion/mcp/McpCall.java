package dev.bastion.mcp;

/**
 * The call a policy decides, as far as a policy may touch it: its request id (for audit records) and its access line
 * (decisions recorded without content). The gateway passes the exchange's; tests and benches may pass {@link #NONE}.
 */
public interface McpCall {
    McpCall NONE = new McpCall() {
        @Override
        public String requestId() {
            return null;
        }

        @Override
        public void note(String field, Object value) {}

        @Override
        public void onEnd(Runnable then) {}
    };

    String requestId();

    /** Adds {@code field} to the call's access line (types, counts and actions: never arguments or results). */
    void note(String field, Object value);

    /** Runs {@code then} once the exchange is over, however it ended — answered, refused, or its client gone. */
    void onEnd(Runnable then);
}
