package org.biomarkerstreams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward: cli -> app/api -> streams/ingest/protocol -> registry/domain, with demo beside cli
 * and used by cli alone, and tls (listener TLS) a leaf beside domain (docs/architecture.md, "Layers", has the table of who may use whom).
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.biomarkerstreams");

    @Test
    void shouldKeepEveryPackageInItsLayer() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("cli")
                .definedBy("org.biomarkerstreams.cli..")
                .layer("demo")
                .definedBy("org.biomarkerstreams.demo..")
                .layer("app")
                .definedBy("org.biomarkerstreams.app..")
                .layer("api")
                .definedBy("org.biomarkerstreams.api..")
                .layer("streams")
                .definedBy("org.biomarkerstreams.streams..")
                .layer("ingest")
                .definedBy("org.biomarkerstreams.ingest..")
                .layer("protocol")
                .definedBy("org.biomarkerstreams.protocol..")
                .layer("registry")
                .definedBy("org.biomarkerstreams.registry..")
                .layer("domain")
                .definedBy("org.biomarkerstreams.domain..")
                .layer("tls")
                .definedBy("org.biomarkerstreams.tls..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("demo")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("app")
                .mayOnlyBeAccessedByLayers("cli", "demo")
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("cli", "demo", "app")
                .whereLayer("streams")
                .mayOnlyBeAccessedByLayers("cli", "demo", "app", "api")
                .whereLayer("ingest")
                .mayOnlyBeAccessedByLayers("cli", "demo", "app")
                .whereLayer("protocol")
                .mayOnlyBeAccessedByLayers("cli", "demo", "app")
                .whereLayer("registry")
                .mayOnlyBeAccessedByLayers("cli", "demo", "app", "api", "streams")
                .whereLayer("tls")
                .mayOnlyBeAccessedByLayers("cli", "app", "api", "ingest")
                .because("a layer uses only the layers below it, so each can be read and tested on its own")
                .check(MAIN);
    }

    @Test
    void shouldKeepListenerTlsALeaf() {
        noClasses()
                .that()
                .resideInAPackage("org.biomarkerstreams.tls..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.biomarkerstreams.domain..",
                        "org.biomarkerstreams.streams..",
                        "org.biomarkerstreams.ingest..",
                        "org.biomarkerstreams.protocol..",
                        "org.biomarkerstreams.registry..",
                        "org.biomarkerstreams.app..",
                        "org.biomarkerstreams.api..",
                        "org.biomarkerstreams.cli..",
                        "org.biomarkerstreams.demo..")
                .because("the HTTP and MLLP listeners share server TLS; it knows files and the JDK, nothing of ours")
                .check(MAIN);
    }

    @Test
    void shouldNotImportDemoCodeOutsideCliAndDemo() {
        noClasses()
                .that()
                .resideOutsideOfPackages("org.biomarkerstreams.cli..", "org.biomarkerstreams.demo..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.biomarkerstreams.demo..")
                .because("synthetic cohorts and the embedded broker are for demonstrations, never for the product")
                .check(MAIN);
    }

    @Test
    void shouldKeepKafkaAvroAndJacksonOutOfDomain() {
        noClasses()
                .that()
                .resideInAPackage("org.biomarkerstreams.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..",
                        "org.apache.avro..",
                        "org.biomarkerstreams.avro..",
                        "com.fasterxml.jackson..")
                .because("domain is the product's rules in plain Java")
                .check(MAIN);
    }

    @Test
    void shouldKeepGeneratedAvroClassesOutOfIngestAndProtocol() {
        noClasses()
                .that()
                .resideInAnyPackage("org.biomarkerstreams.ingest..", "org.biomarkerstreams.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.biomarkerstreams.avro..", "org.apache.kafka..")
                .because("only streams/ maps the wire contract to and from the domain")
                .check(MAIN);
    }

    @Test
    void shouldKeepRegistryClientIndependentOfTheApplication() {
        noClasses()
                .that()
                .resideInAPackage("org.biomarkerstreams.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.biomarkerstreams.domain..",
                        "org.biomarkerstreams.streams..",
                        "org.biomarkerstreams.ingest..",
                        "org.biomarkerstreams.app..",
                        "org.biomarkerstreams.api..")
                .because("the registry client is a library any Kafka client can use")
                .check(MAIN);
    }
}
