package dev.bastion.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The package boundaries of docs/architecture.md, enforced. */
class ArchitectureTest {
    /** One control per package; none reaches into another. */
    static final List<String> CONTROLS = List.of("edge", "authn", "authz", "limit", "budget", "idempotency", "guard", "upstream", "ipfilter", "waf", "graphql");
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bastion");
    }

    static List<String> controls() {
        return CONTROLS;
    }

    @ParameterizedTest(name = "{0} imports no other control package")
    @MethodSource("controls")
    void controlPackagesDoNotImportEachOther(String pkg) {
        String[] others = CONTROLS.stream().filter(p -> !p.equals(pkg)).map(p -> "dev.bastion." + p + "..").toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.bastion." + pkg + "..").should().dependOnClassesThat().resideInAnyPackage(others)
                .check(classes);
    }

    @ParameterizedTest(name = "{0} does not know the server or the CLI")
    @MethodSource("controls")
    void controlsDoNotKnowTheServer(String pkg) {
        noClasses().that().resideInAPackage("dev.bastion." + pkg + "..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.bastion.server..", "dev.bastion.cli..", "dev.bastion.admin..").check(classes);
    }

    @Test
    void chainKnowsNoControl() {
        noClasses().that().resideInAPackage("dev.bastion.chain..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.bastion.edge..", "dev.bastion.authn..", "dev.bastion.authz..", "dev.bastion.limit..",
                        "dev.bastion.budget..", "dev.bastion.idempotency..", "dev.bastion.upstream..", "dev.bastion.server..",
                        "dev.bastion.store..", "dev.bastion.config..")
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
        noClasses().that().resideInAnyPackage("dev.bastion.tokens..", "dev.bastion.authn..", "dev.bastion.store..", "dev.bastion.secrets..")
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
                .resideInAnyPackage(java.util.stream.Stream.concat(CONTROLS.stream().map(p -> "dev.bastion." + p + ".."),
                        java.util.stream.Stream.of("dev.bastion.chain..", "dev.bastion.server..", "dev.bastion.cli..", "dev.bastion.store..", "io.vertx.."))
                        .toArray(String[]::new))
                .check(classes);
    }

    @Test
    void sharedStateAndTheLlmLibraryKnowNoControl() {
        noClasses().that().resideInAnyPackage("dev.bastion.state..", "dev.bastion.llm..").should().dependOnClassesThat()
                .resideInAnyPackage(CONTROLS.stream().map(p -> "dev.bastion." + p + "..").toArray(String[]::new))
                .check(classes);
    }

    @Test
    void storeIsPlainJdbc() {
        noClasses().that().resideInAPackage("dev.bastion.store..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "dev.bastion.server..", "dev.bastion.chain..").check(classes);
    }
}
