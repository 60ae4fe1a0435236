package org.biomarkerstreams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point inward: cli -> streams/ingest/ops -> domain (STYLE.md). */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.biomarkerstreams");

    @Test
    void shouldNotDependOnCliFromAnyOtherPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.biomarkerstreams.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.biomarkerstreams.cli..")
                .check(MAIN);
    }

    @Test
    void shouldKeepGeneratedAvroClassesOutOfDomainAndIngest() {
        noClasses()
                .that()
                .resideInAnyPackage("org.biomarkerstreams.domain..", "org.biomarkerstreams.ingest..")
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
                        "org.biomarkerstreams.ops..")
                .because("the registry client is a library any Kafka client can use")
                .check(MAIN);
    }

    @Test
    void shouldKeepStreamsFreeOfOperationsConcerns() {
        noClasses()
                .that()
                .resideInAPackage("org.biomarkerstreams.streams..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.biomarkerstreams.ops..")
                .check(MAIN);
    }
}
