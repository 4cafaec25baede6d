package org.sparkgru.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layers of spark-gru, bottom up: {@code io}, {@code model}, {@code kernel}, {@code config},
 * {@code metrics}, {@code data}, then {@code training} and {@code forecasting} side by side, {@code reporting},
 * the library API {@code ml}, and the command line {@code jobs} on top ({@code org.sparkgru.UserError} serves all).
 * The kernel and model code is plain Java without Spark.
 */
@AnalyzeClasses(packages = "org.sparkgru", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("jobs").definedBy("org.sparkgru.jobs..")
            .layer("ml").definedBy("org.sparkgru.ml..")
            .layer("reporting").definedBy("org.sparkgru.reporting..")
            .layer("training").definedBy("org.sparkgru.training..")
            .layer("forecasting").definedBy("org.sparkgru.forecasting..")
            .layer("data").definedBy("org.sparkgru.data..")
            .layer("metrics").definedBy("org.sparkgru.metrics..")
            .layer("config").definedBy("org.sparkgru.config..")
            .layer("kernel").definedBy("org.sparkgru.kernel..")
            .layer("model").definedBy("org.sparkgru.model..")
            .layer("io").definedBy("org.sparkgru.io..")
            .whereLayer("jobs").mayNotBeAccessedByAnyLayer()
            .whereLayer("ml").mayOnlyBeAccessedByLayers("jobs")
            .whereLayer("reporting").mayOnlyBeAccessedByLayers("ml")
            .whereLayer("training").mayOnlyBeAccessedByLayers("ml")
            .whereLayer("forecasting").mayOnlyBeAccessedByLayers("reporting", "ml")
            .whereLayer("data").mayOnlyBeAccessedByLayers("training", "forecasting", "ml")
            .whereLayer("metrics").mayOnlyBeAccessedByLayers("data", "training", "forecasting", "reporting", "ml")
            .whereLayer("config").mayOnlyBeAccessedByLayers("data", "training", "forecasting", "ml", "jobs")
            .whereLayer("kernel").mayOnlyBeAccessedByLayers("config", "data", "training", "forecasting", "ml")
            .whereLayer("model").mayOnlyBeAccessedByLayers("kernel", "config", "data", "training", "forecasting",
                    "ml", "jobs")
            .whereLayer("io").mayOnlyBeAccessedByLayers("model", "data", "training", "forecasting", "ml", "jobs");

    @ArchTest
    static final ArchRule NO_CYCLES = slices().matching("org.sparkgru.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule MATH_WITHOUT_SPARK = noClasses().that().resideInAnyPackage("org.sparkgru.kernel..",
                    "org.sparkgru.model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
            .because("the kernel and model code is plain Java, usable and tested without a SparkSession");

    @ArchTest
    static final ArchRule JOBS_ON_THE_LIBRARY_API = noClasses().that().resideInAPackage("org.sparkgru.jobs..")
            .should().dependOnClassesThat().resideInAnyPackage("org.sparkgru.training..", "org.sparkgru.data..",
                    "org.sparkgru.forecasting..", "org.sparkgru.kernel..", "org.sparkgru.metrics..",
                    "org.sparkgru.reporting..")
            .because("the jobs parse arguments and map exit codes over the library API (ml, config, model, io)");
}
