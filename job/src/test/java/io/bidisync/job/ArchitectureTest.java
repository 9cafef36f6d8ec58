package io.bidisync.job;

import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The job's packages follow its data flow — source → identity → golden → sink and safety → outputs,
 * with the configuration and the plain-Java udfs below everything, and the entry point that submits
 * the job above it — its keyed functions declare their state as constants, and nothing in it starts
 * Flink locally (that is the launcher's). A change that breaks any of these fails the build.
 */
class ArchitectureTest {
    private static final String JOB = "io.bidisync.job";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(JOB, "io.bidisync.udfs");
    }

    private static String pkg(String name) {
        return JOB + "." + name + "..";
    }

    @Test
    void noPackageCycles() {
        slices().matching(JOB + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theStagesDependOnlyOnWhatComesBeforeThem() {
        noClasses()
                .that()
                .resideInAPackage(pkg("source"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        pkg("identity"), pkg("golden"), pkg("safety"), pkg("sink"), pkg("plan"))
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(pkg("identity"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("golden"), pkg("safety"), pkg("sink"), pkg("plan"))
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(pkg("golden"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("safety"), pkg("sink"), pkg("plan"))
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage(pkg("safety"), pkg("sink"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("plan"))
                .check(classes);
    }

    @Test
    void onlyTheEntryPointSubmitsTheJob() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        pkg("source"),
                        pkg("identity"),
                        pkg("golden"),
                        pkg("safety"),
                        pkg("sink"),
                        pkg("deadletter"),
                        pkg("audit"),
                        pkg("config"),
                        pkg("database"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("submit"))
                .check(classes);
    }

    /**
     * What the cluster jar carries is the job: the command line, the demo, embedded databases and
     * local MiniClusters with their dashboard are the launcher's.
     */
    @Test
    void theJobRunsOnAClusterItDoesNotStartOne() {
        noClasses()
                .that()
                .resideInAPackage(JOB + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.bidisync.launcher..",
                        "io.bidisync.embedded..",
                        "picocli..",
                        "io.zonky..",
                        "org.apache.flink.runtime.minicluster..",
                        "org.apache.flink.runtime.webmonitor..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(JOB + "..")
                .should()
                .callMethodWhere(
                        target(name("createLocalEnvironment"))
                                .or(target(name("createLocalEnvironmentWithWebUI"))))
                .check(classes);
    }

    @Test
    void theConfigurationAndTheUdfsAreBelowEverything() {
        noClasses()
                .that()
                .resideInAPackage(pkg("config"))
                .should()
                .dependOnClassesThat(
                        resideInAPackage(JOB + "..").and(resideOutsideOfPackage(pkg("config"))))
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.bidisync.udfs..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(JOB + "..", "org.apache.flink..")
                .check(classes);
    }

    @Test
    void keyedFunctionsDeclareTheirStateAsConstants() {
        fields().that()
                .areDeclaredInClassesThat()
                .areAssignableTo(KeyedProcessFunction.class)
                .and()
                .haveRawType(assignableToStateDescriptor())
                .should()
                .beStatic()
                .andShould()
                .beFinal()
                .check(classes);
        classes()
                .that()
                .areAssignableTo(KeyedProcessFunction.class)
                .should(createStateDescriptorsOnlyInTheirStaticInitializer())
                .check(classes);
    }

    private static com.tngtech.archunit.base.DescribedPredicate<
                    com.tngtech.archunit.core.domain.JavaClass>
            assignableToStateDescriptor() {
        return com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(
                StateDescriptor.class);
    }

    /** State descriptors are made once, as constants: never per call or per instance. */
    private static ArchCondition<com.tngtech.archunit.core.domain.JavaClass>
            createStateDescriptorsOnlyInTheirStaticInitializer() {
        return new ArchCondition<>("create state descriptors only in their static initializer") {
            @Override
            public void check(
                    com.tngtech.archunit.core.domain.JavaClass item, ConditionEvents events) {
                for (JavaCodeUnit unit : item.getCodeUnits()) {
                    if (unit instanceof com.tngtech.archunit.core.domain.JavaStaticInitializer) {
                        continue;
                    }
                    for (JavaConstructorCall call : unit.getConstructorCallsFromSelf()) {
                        if (call.getTargetOwner().isAssignableTo(StateDescriptor.class)) {
                            events.add(
                                    SimpleConditionEvent.violated(
                                            call,
                                            unit.getFullName()
                                                    + " creates a state descriptor: "
                                                    + call.getDescription()));
                        }
                    }
                }
            }
        };
    }
}
