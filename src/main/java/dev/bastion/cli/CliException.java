package dev.bastion.cli;

/** A CLI command cannot go on; the message is for the operator. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
