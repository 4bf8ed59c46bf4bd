package dev.bastion.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion version} (and {@code bastion --version}): version, commit, build time and the SBOM's digest. */
@Command(name = "version", description = "Print the version, commit, build time and the SHA-256 of the shipped SBOM.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : BuildInfo.current().lines()) out.println(line);
        out.flush();
        return 0;
    }

    /** The same lines for picocli's {@code --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return BuildInfo.current().lines();
        }
    }
}
