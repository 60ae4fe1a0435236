package org.biomarkerstreams.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class DomainDependenciesTest {

    @Test
    void shouldDependOnlyOnTheJdkUcumHipparchusAndSlf4jWhenCompiled() {
        classes()
                .that()
                .resideInAPackage("org.biomarkerstreams.domain..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        // the JDK's HMAC, for blinding codes (Blinding)
                        "javax.crypto..",
                        "org.biomarkerstreams.domain..",
                        "org.fhir.ucum..",
                        "org.hipparchus..",
                        "org.slf4j..")
                .because("domain is plain Java: no Kafka, Avro or HTTP (docs/architecture.md, Layers)")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("org.biomarkerstreams.domain"));
    }
}
