package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.config.BastionConfig;
import dev.bastion.console.Bootstrap;
import dev.bastion.store.OrgRepository;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion console bootstrap}: the first operator's way into the console, before any IdP is configured. */
@Command(name = "console", description = "The web console on the admin listener.", mixinStandardHelpOptions = true,
        subcommands = {ConsoleCommand.BootstrapLink.class})
public final class ConsoleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            description = "Print a one-time link that logs an operator into the console (valid for console.bootstrap.ttl, once).")
    static final class BootstrapLink implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", paramLabel = "ORG", description = "The operator's org (created if missing; default: ${DEFAULT-VALUE}).", defaultValue = "ops")
        String org;

        @Override
        public Integer call() {
            if (!OrgRepository.isValidId(org)) throw new CliException("'" + org + "' is not a valid org id (letters, digits, _ . -; up to 64)");
            BastionConfig config = store.config();
            if (!config.console().enabled() || !config.listeners().admin().enabled()) {
                throw new CliException("the console is disabled (console.enabled, listeners.admin.enabled)");
            }
            try (Store s = store.open()) {
                if (s.orgs().ensure(org)) CliAudit.record(store, s, AuditType.ORG_CREATED, org, org, Map.of());
                Instant now = Instant.now();
                Bootstrap.Link link = Bootstrap.create(s.console(), org, now, config.console().bootstrap().ttl());
                // The audit event names the org and expiry, never the token.
                CliAudit.record(store, s, AuditType.CONSOLE_BOOTSTRAP_CREATED, org, org, Map.of("expires_at", link.expiresAt().toString()));
                String base = config.console().origin(config.listeners().admin(), config.listeners().admin().port());
                PrintWriter out = spec.commandLine().getOut();
                out.println(base + "/console/bootstrap#" + link.token());
                out.println("One use, until " + link.expiresAt() + ". Open it in a browser; the token after # is never sent to a server.");
                out.flush();
            }
            return 0;
        }
    }
}
