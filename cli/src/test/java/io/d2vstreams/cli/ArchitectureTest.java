package io.d2vstreams.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md's module rules and the {@code internal} packages, enforced over the main classes of
 * every module (the CLI's test class path holds them all): a rule broken by a new import fails
 * the build instead of waiting for a reviewer to notice.
 */
@DisplayName("The architecture")
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.d2vstreams");
    }

    @Test
    @DisplayName("sees every module's classes, so the rules below are not checked against nothing")
    void importsEveryModule() {
        for (String pkg : new String[]{"schemas", "runtime", "topology", "trainer", "devstack", "cli"}) {
            assertThat(main.containPackage("io.d2vstreams." + pkg)).as("classes of io.d2vstreams.%s", pkg).isTrue();
        }
    }

    @Test
    @DisplayName("model-runtime knows nothing of Kafka, nor of the modules above it")
    void modelRuntimeKnowsNoKafka() {
        check(noClasses().that().resideInAPackage("io.d2vstreams.runtime..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "io.d2vstreams.schemas..", "io.d2vstreams.topology..",
                        "io.d2vstreams.trainer..", "io.d2vstreams.devstack..", "io.d2vstreams.cli.."));
    }

    @Test
    @DisplayName("schemas knows nothing of models or Kafka Streams")
    void schemasKnowNoModels() {
        check(noClasses().that().resideInAPackage("io.d2vstreams.schemas..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka.streams..", "io.d2vstreams.runtime..", "io.d2vstreams.topology..",
                        "io.d2vstreams.trainer..", "io.d2vstreams.devstack..", "io.d2vstreams.cli.."));
    }

    @Test
    @DisplayName("topology, trainer and devstack depend only on the modules DESIGN.md allows them")
    void modulesDependOnlyDownwards() {
        check(noClasses().that().resideInAPackage("io.d2vstreams.topology..").should().dependOnClassesThat()
                .resideInAnyPackage("io.d2vstreams.trainer..", "io.d2vstreams.devstack..", "io.d2vstreams.cli.."));
        check(noClasses().that().resideInAPackage("io.d2vstreams.trainer..").should().dependOnClassesThat()
                .resideInAnyPackage("io.d2vstreams.topology..", "io.d2vstreams.devstack..", "io.d2vstreams.cli.."));
        check(noClasses().that().resideInAPackage("io.d2vstreams.devstack..").should().dependOnClassesThat()
                .resideInAnyPackage("io.d2vstreams.runtime..", "io.d2vstreams.topology..", "io.d2vstreams.trainer..",
                        "io.d2vstreams.cli.."));
    }

    @Test
    @DisplayName("in trainer, the loop uses the export and the export uses the gate, never the other way")
    void trainerLoopExportGateLayers() {
        // The loop decides when to release a state; the export does not know who asks, nor the gate who exported.
        check(noClasses().that().resideInAPackage("io.d2vstreams.trainer.export..").should().dependOnClassesThat()
                .resideInAPackage("io.d2vstreams.trainer.loop.."));
        check(noClasses().that().resideInAPackage("io.d2vstreams.trainer.gate..").should().dependOnClassesThat()
                .resideInAnyPackage("io.d2vstreams.trainer.loop..", "io.d2vstreams.trainer.export.."));
    }

    @ParameterizedTest(name = "io.d2vstreams.{0}.internal")
    @ValueSource(strings = {"schemas", "runtime", "topology", "trainer", "devstack", "cli"})
    @DisplayName("a module's internal packages are used by that module alone")
    void internalPackagesStayInside(String module) {
        String owner = "io.d2vstreams." + module + "..";
        check(classes().that().resideInAPackage("io.d2vstreams." + module + ".internal..").should()
                .onlyHaveDependentClassesThat().resideInAPackage(owner).allowEmptyShould(true));
    }

    @ParameterizedTest(name = "io.d2vstreams.{0}.*.internal")
    @ValueSource(strings = {"runtime", "trainer"})
    @DisplayName("a modality's internal package (runtime.text.internal, trainer.audio.internal, ...) is used by its module alone")
    void modalityInternalPackagesStayInTheirModule(String module) {
        // Other modules reach a modality through the module's shared API and the modality's own package.
        check(classes().that().resideInAPackage("io.d2vstreams." + module + ".*.internal..").should()
                .onlyHaveDependentClassesThat().resideInAPackage("io.d2vstreams." + module + ".."));
    }

    @ParameterizedTest(name = "io.d2vstreams.{0}")
    @ValueSource(strings = {"runtime.text", "runtime.image", "runtime.audio",
            "trainer.text", "trainer.image", "trainer.audio"})
    @DisplayName("a modality's package uses no other modality's package in the same module")
    void modalitiesStayApart(String modalityPackage) {
        String module = modalityPackage.substring(0, modalityPackage.indexOf('.'));
        String modality = modalityPackage.substring(module.length() + 1);
        String[] others = Stream.of("text", "image", "audio").filter(m -> !m.equals(modality))
                .map(m -> "io.d2vstreams." + module + "." + m + "..").toArray(String[]::new);
        check(noClasses().that().resideInAPackage("io.d2vstreams." + modalityPackage + "..").should()
                .dependOnClassesThat().resideInAnyPackage(others));
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
