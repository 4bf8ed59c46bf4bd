package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.SecretRef;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.posture.Posture;
import dev.bastion.posture.PostureReport;
import dev.bastion.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion check --config F}: validate a config and resolve its secrets without serving. Exit 0 when it would start.
 * With {@code --posture}, also run the posture check (docs/operations.md#posture-rows) and exit 1 when it finds a failure.
 */
@Command(name = "check", description = "Validate a config file and its secret references; exit 1 on any problem.", mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "bastion.yaml", description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--posture", description = "Also judge the deployment against the posture rows; exit 1 on a failure.")
    boolean posture;

    @Option(names = "--json", description = "With --posture: print the findings as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        BastionConfig c = new ConfigLoader().load(config);
        dev.bastion.guard.GuardsRuntime.build(c.guard()); // entity types and patterns, as the gateway checks them at start
        dev.bastion.ipfilter.AddressRules.load(c.waf()); // list files and the country database load, as at start
        dev.bastion.contract.Contracts.compile(c); // every route's schemas compile, as at start
        try {
            dev.bastion.egress.ProxyAcl.from(c.egress().proxy()); // the egress proxy's host patterns and address classes, as at start
        } catch (IllegalArgumentException e) {
            throw new dev.bastion.config.ConfigException(java.util.List.of(e.getMessage()));
        }
        try (ConnectedSecrets connected = new ConnectedSecrets(c)) { // vault: and aws-sm: ones are read from their store
            SecretResolver secrets = connected.resolver;
            for (Map.Entry<String, UpstreamConfig> e : c.upstreams().entrySet()) {
                for (int i = 0; i < e.getValue().apiKeys().size(); i++) {
                    SecretRef ref = e.getValue().apiKeys().get(i);
                    if (ref.templated()) continue; // one per org, read per request
                    secrets.resolve(ref, "upstreams." + e.getKey() + (e.getValue().apiKey() != null ? ".api_key" : ".api_keys[" + i + "]"));
                }
            }
            if (c.store().password() != null) secrets.resolve(c.store().password(), "store.password");
            for (var e : c.guard().policies().entrySet()) {
                var classifier = e.getValue().classifier();
                if (classifier != null && classifier.apiKey() != null) {
                    secrets.resolve(classifier.apiKey(), "guard.policies." + e.getKey() + ".classifier.api_key");
                }
            }
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (!(posture && json)) {
            out.println(config + ": ok (" + c.routes().size() + " routes, " + c.upstreams().size() + " upstreams, environment "
                    + c.environment().name().toLowerCase() + ")");
        }
        if (!posture) {
            out.flush();
            return 0;
        }
        PostureReport report = Posture.check(c, java.time.Instant.now());
        out.print(json ? report.json() : report.table());
        out.flush();
        return report.failed() ? 1 : 0;
    }
}
