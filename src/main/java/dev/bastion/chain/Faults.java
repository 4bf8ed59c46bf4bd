package dev.bastion.chain;

/**
 * How a control's fault is named in a log line: its class and where it was thrown, never its message — a
 * parser's message can quote the request or the answer (Jackson's "Unrecognized token 'sk-live-…'"), and
 * prompts, tokens and secrets never reach a log line.
 */
public final class Faults {
    private Faults() {}

    /** {@code java.lang.IllegalStateException at dev.bastion.x.Y.method(Y.java:42)}: Bastion's innermost frame, else the first. */
    public static String describe(Throwable t) {
        StackTraceElement at = null;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.bastion.")) {
                at = e;
                break;
            }
        }
        if (at == null && t.getStackTrace().length > 0) at = t.getStackTrace()[0];
        return t.getClass().getName() + (at == null ? "" : " at " + at);
    }

    /** The fault's stack for a log line, its message and its causes' messages left out. */
    public static Throwable withoutMessages(Throwable t) {
        Throwable copy = new Throwable(t.getClass().getName(), t.getCause() == null ? null : withoutMessages(t.getCause()), false, true) {
            @Override
            public String toString() {
                return getMessage(); // the class name alone, where a stack trace names the exception
            }
        };
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }
}
