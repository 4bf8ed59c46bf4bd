package dev.bastion.dataprotect;

/**
 * A key-encryption key: wraps and unwraps data keys, never anything else. The wrapped form is bound to the data
 * key's scope and version ({@code context}), so a wrapped key copied onto another scope's row does not unwrap.
 * A failure is a {@link DataKeyException} whose message names the KEK and the error's type, never key material.
 */
public interface Kek {
    /** How stored rows name this KEK: {@code master}, {@code aws-kms:ARN}. */
    String id();

    byte[] wrap(byte[] dataKey, String context);

    byte[] unwrap(byte[] wrapped, String context);
}
