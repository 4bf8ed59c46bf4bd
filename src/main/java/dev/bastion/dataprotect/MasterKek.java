package dev.bastion.dataprotect;

import dev.bastion.config.DataProtectionConfig;
import dev.bastion.tokens.MasterKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/** The master keyset ({@code tokens.master_key}) as the KEK: Tink AES-256-GCM, the context as associated data. */
final class MasterKek implements Kek {
    private final MasterKey master;

    MasterKek(MasterKey master) {
        this.master = master;
    }

    @Override
    public String id() {
        return DataProtectionConfig.MASTER;
    }

    @Override
    public byte[] wrap(byte[] dataKey, String context) {
        try {
            return master.encrypt(dataKey, ad(context));
        } catch (GeneralSecurityException e) {
            throw new DataKeyException("master: cannot wrap a data key (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, String context) {
        try {
            return master.decrypt(wrapped, ad(context));
        } catch (GeneralSecurityException e) {
            // another master keyset, or a wrapped key moved to another scope's row
            throw new DataKeyException("master: cannot unwrap the data key of " + context + " (not wrapped by this master keyset for this key)");
        }
    }

    private static byte[] ad(String context) {
        return ("bastion-dek:" + context).getBytes(StandardCharsets.UTF_8);
    }
}
