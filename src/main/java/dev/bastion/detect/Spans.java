package dev.bastion.detect;

/** Offsets for the outside world: code points, as Python and JavaScript's {@code Array.from} count them. */
public final class Spans {
    private Spans() {}

    /** The code-point offset of UTF-16 index {@code index} in {@code text}. */
    public static int codePointOffset(String text, int index) {
        return text.codePointCount(0, index);
    }
}
