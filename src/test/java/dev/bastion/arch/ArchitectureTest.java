package dev.bastion.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.bastion.chain.Control;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package boundaries of docs/architecture.md, enforced. The control packages are derived from the
 * code, not listed by hand: every top-level package under {@code dev.bastion} that holds a
 * {@link Control} is one, so a new control package is checked from its first class.
 */
class ArchitectureTest {
    static JavaClasses classes;
    static List<String> controlPackages;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bastion");
        controlPackages = controlPackagesOf(classes);
    }

    /** {@code dev.bastion.X} for every concrete {@link Control} in {@code dev.bastion.X} or below. */
    static List<String> controlPackagesOf(JavaClasses classes) {
        TreeSet<String> out = new TreeSet<>();
        for (JavaClass c : classes) {
            if (c.isInterface() || !c.isAssignableTo(Control.class)) continue;
            String[] parts = c.getPackageName().split("\\.");
            if (parts.length < 3 || parts[2].equals("chain")) continue;
            out.add(parts[0] + "." + parts[1] + "." + parts[2]);
        }
        return List.copyOf(out);
    }

    static List<String> controls() {
        if (controlPackages == null) importClasses();
        return controlPackages;
    }

    private static String[] controlPackagesExcept(String pkg) {
        return controls().stream().filter(p -> !p.equals(pkg)).map(p -> p + "..").toArray(String[]::new);
    }

    @Test
    void theControlPackagesAreFoundFromTheCode() {
        // A derivation that found nothing would make every rule below pass vacuously.
        assertThat(controls()).contains("dev.bastion.authn", "dev.bastion.authz", "dev.bastion.limit", "dev.bastion.budget",
                "dev.bastion.idempotency", "dev.bastion.guard", "dev.bastion.waf", "dev.bastion.graphql", "dev.bastion.edge",
                "dev.bastion.ipfilter", "dev.bastion.contract");
        assertThat(controls()).doesNotContain("dev.bastion.server", "dev.bastion.chain", "dev.bastion.cli", "dev.bastion.admin");
    }

    @ParameterizedTest(name = "{0} imports no other control package")
    @MethodSource("controls")
    void controlPackagesDoNotImportEachOther(String pkg) {
        noClasses().that().resideInAPackage(pkg + "..").should().dependOnClassesThat().resideInAnyPackage(controlPackagesExcept(pkg))
                .check(classes);
    }

    @ParameterizedTest(name = "{0} does not know the server or the CLI")
    @MethodSource("controls")
    void controlsDoNotKnowTheServer(String pkg) {
        noClasses().that().resideInAPackage(pkg + "..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.bastion.server..", "dev.bastion.cli..", "dev.bastion.admin..").check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.bastion.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void chainKnowsNoControl() {
        noClasses().that().resideInAPackage("dev.bastion.chain..").should().dependOnClassesThat()
                .resideInAnyPackage(Stream.concat(controls().stream().map(p -> p + ".."),
                        Stream.of("dev.bastion.upstream..", "dev.bastion.server..", "dev.bastion.store..", "dev.bastion.config..",
                                "dev.bastion.observe..")).toArray(String[]::new))
                .check(classes);
    }

    @Test
    void configDoesNotDependOnVertxOrRuntimePackages() {
        noClasses().that().resideInAPackage("dev.bastion.config..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "dev.bastion.server..", "dev.bastion.store..", "dev.bastion.chain..")
                .check(classes);
    }

    @Test
    void servicesDoNotKnowTheServerOrTheCli() {
        noClasses().that().resideInAnyPackage("dev.bastion.tokens..", "dev.bastion.authn..", "dev.bastion.store..", "dev.bastion.secrets..",
                        "dev.bastion.upstream..", "dev.bastion.egress..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bastion.server..", "dev.bastion.cli..", "dev.bastion.admin..")
                .check(classes);
    }

    @Test
    void theJoseCoreStandsAlone() {
        noClasses().that().resideInAPackage("dev.bastion.authn.jose..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.bastion.store..", "dev.bastion.config..", "dev.bastion.chain..", "io.vertx..").check(classes);
    }

    @Test
    void detectorsArePlainJavaThatKnowNoControlServerOrVertx() {
        noClasses().that().resideInAPackage("dev.bastion.detect..").should().dependOnClassesThat()
                .resideInAnyPackage(Stream.concat(controls().stream().map(p -> p + ".."),
                        Stream.of("dev.bastion.chain..", "dev.bastion.server..", "dev.bastion.cli..", "dev.bastion.store..", "io.vertx.."))
                        .toArray(String[]::new))
                .check(classes);
    }

    @Test
    void libraryPackagesKnowNoControl() {
        noClasses().that().resideInAnyPackage("dev.bastion.state..", "dev.bastion.llm..", "dev.bastion.upstream..", "dev.bastion.egress..",
                        "dev.bastion.net..", "dev.bastion.observe..")
                .should().dependOnClassesThat().resideInAnyPackage(controls().stream().map(p -> p + "..").toArray(String[]::new))
                .check(classes);
    }

    @Test
    void everyOutboundHttpClientIsTheConnectors() {
        // One way out: a client built anywhere else would bypass the egress policy the connector applies.
        noClasses().that().resideOutsideOfPackage("dev.bastion.egress..").and().resideOutsideOfPackage("dev.bastion.mock..")
                .should().callMethod(io.vertx.core.Vertx.class, "createHttpClient")
                .orShould().callMethod(io.vertx.core.Vertx.class, "createHttpClient", io.vertx.core.http.HttpClientOptions.class)
                .orShould().callMethod(io.vertx.core.Vertx.class, "createHttpClient", io.vertx.core.http.HttpClientOptions.class,
                        io.vertx.core.http.PoolOptions.class)
                .orShould().callMethod(io.vertx.core.Vertx.class, "httpClientBuilder")
                // the egress proxy's tunnels are TCP: a NetClient elsewhere would bypass the check just the same
                .orShould().callMethod(io.vertx.core.Vertx.class, "createNetClient")
                .orShould().callMethod(io.vertx.core.Vertx.class, "createNetClient", io.vertx.core.net.NetClientOptions.class)
                .check(classes);
    }

    @Test
    void theAwsSdkSendsOnlyThroughTheConnector() {
        // The SDK's own HTTP clients would reach AWS around the egress policy: only egress implements its client SPI.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk.http.apache..", "software.amazon.awssdk.http.apache5..",
                        "software.amazon.awssdk.http.urlconnection..", "software.amazon.awssdk.http.nio..", "software.amazon.awssdk.http.crt..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.bastion.egress..")
                .should().implement(software.amazon.awssdk.http.SdkHttpClient.class)
                .orShould().implement(software.amazon.awssdk.http.async.SdkAsyncHttpClient.class)
                .check(classes);
    }

    @Test
    void onlyTheObservePackageKnowsOpenTelemetry() {
        // The OTLP exporter is the one outbound HTTP client outside the connector (docs/observability.md#egress):
        // it stays in one place, and the request path reaches it only through observe.Tracing and RequestTrace.
        noClasses().that().resideOutsideOfPackage("dev.bastion.observe..").should().dependOnClassesThat()
                .resideInAnyPackage("io.opentelemetry..").check(classes);
    }

    @Test
    void storeIsPlainJdbc() {
        noClasses().that().resideInAPackage("dev.bastion.store..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "dev.bastion.server..", "dev.bastion.chain..").check(classes);
    }
}
