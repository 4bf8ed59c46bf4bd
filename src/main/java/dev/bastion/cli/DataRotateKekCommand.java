package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.dataprotect.DataKeyException;
import dev.bastion.store.Store;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion data rotate-kek}: re-wraps every data key under {@code data_protection.kek}, while gateways run.
 * Each key is unwrapped by the KEK its row names and wrapped by the configured one; the keys themselves do not
 * change, so nothing sealed is rewritten. Run again to resume after a failure; a run with nothing to do does nothing.
 */
@Command(name = "rotate-kek", description = "Re-wrap every data key under data_protection.kek (online, idempotent, resumable).",
        mixinStandardHelpOptions = true)
final class DataRotateKekCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions store;
    @Option(names = "--batch", defaultValue = "100", description = "Keys read per round (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        String kek = store.config().dataProtection().kek();
        try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(store.config(), s)) {
            int n;
            try {
                n = keys.keys().rotateKek(Math.max(1, batch));
            } catch (DataKeyException e) {
                throw new CliException(e.getMessage());
            }
            spec.commandLine().getOut().printf("re-wrapped %d data keys under %s%n", n, kek);
            spec.commandLine().getOut().flush();
            if (n > 0) CliAudit.record(store, s, AuditType.DATA_KEK_ROTATED, null, kek, Map.of("keys", n));
        }
        return 0;
    }
}
