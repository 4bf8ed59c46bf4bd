package dev.bastion.upstream;

/**
 * Lets the caller of {@link Upstream#send} stop a call whose answer nobody wants any more (the client
 * left while the upstream was thinking). Confined to the exchange's event loop.
 */
public final class Cancellation {
    private boolean cancelled;
    private Runnable onCancel;

    public boolean cancelled() {
        return cancelled;
    }

    /** Stops the call: the registered action runs once, now or as soon as it is registered. */
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        if (onCancel != null) onCancel.run();
    }

    /** What stops the call in flight (closing its connection); runs at once when already cancelled. */
    public void onCancel(Runnable action) {
        if (cancelled) action.run();
        else onCancel = action;
    }
}
