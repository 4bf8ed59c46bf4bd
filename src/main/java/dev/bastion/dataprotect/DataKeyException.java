package dev.bastion.dataprotect;

/**
 * A technical failure of data protection: the KEK unreachable, disabled or refusing, the store failing, a
 * ciphertext that does not open (tampered, moved, or sealed for another purpose). Never means "shredded"
 * ({@link Shredded}). Messages carry no key material and no plaintext.
 */
public class DataKeyException extends RuntimeException {
    public DataKeyException(String message) {
        super(message);
    }

    public DataKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The scope's data keys were destroyed (a subject deletion): what they sealed is gone for good. */
    public static final class Shredded extends DataKeyException {
        public Shredded(String scope) {
            super(scope + ": data key destroyed (crypto-shredded)");
        }
    }

    /** The value does not open with its key: edited, moved to another row or purpose, or not a sealed value at all. */
    public static final class Mismatch extends DataKeyException {
        public Mismatch(String message) {
            super(message);
        }
    }
}
