package dev.bastion.chain;

import java.util.List;

/**
 * A route's (or a listener's) controls in stage order, assembled once at config load. It only holds and
 * checks the order; the server's chain runner runs it, reading the body before the first control that
 * needs it.
 */
public final class Chain {
    private final List<Control> controls;

    /** @throws IllegalArgumentException when a control is placed after one of a later stage */
    public Chain(List<Control> controls) {
        for (int i = 1; i < controls.size(); i++) {
            if (controls.get(i).stage().compareTo(controls.get(i - 1).stage()) < 0) {
                throw new IllegalArgumentException("control " + controls.get(i).name() + " (" + controls.get(i).stage()
                        + ") is placed after " + controls.get(i - 1).name() + " (" + controls.get(i - 1).stage() + ")");
            }
        }
        this.controls = List.copyOf(controls);
    }

    public List<Control> controls() {
        return controls;
    }

    public int size() {
        return controls.size();
    }

    public Control get(int i) {
        return controls.get(i);
    }
}
