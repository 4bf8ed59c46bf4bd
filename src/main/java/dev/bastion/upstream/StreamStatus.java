package dev.bastion.upstream;

/**
 * A response body that knows whether its stream failed on the way — an upstream's error event, a cut
 * before the end, an event that could not be read — though its bytes (an error event included) still
 * flow: the forward step must not take such an answer for one that began, and the access line records it.
 */
public interface StreamStatus {
    /** The failure's code for the access line, or null while the stream is sound. */
    String failure();
}
