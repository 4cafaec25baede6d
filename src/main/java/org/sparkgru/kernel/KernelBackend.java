package org.sparkgru.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GEMM backend plus the elementwise gate implementation that goes with it.
 *
 * <p>{@link #best()} is what the kernel uses: the Vector API backend when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, otherwise netlib's pure-Java BLAS with scalar gates. The choice is
 * made once, logged, and can be forced with the system property {@value #PROPERTY} ({@code vector} or
 * {@code javablas}). The gates are vectorized whenever the module is present, whatever the GEMM backend.
 *
 * @param sgemm the matrix products
 * @param gates the fused elementwise step code
 */
public record KernelBackend(Sgemm sgemm, Gates gates) {

    /** System property that forces a backend: {@code vector} or {@code javablas}. */
    public static final String PROPERTY = "org.sparkgru.kernel.backend";

    /**
     * HotSpot options every JVM running the vector kernel inside Spark needs before JDK 25. JDK 17's C2 adds up the
     * class-check traps and the recompilations recorded in the profile of every method it inlines, once per inlined
     * copy, and gives up class speculation for the whole compilation when the traps reach
     * {@code PerMethodTrapLimit} (100 by default) or the recompilations half of
     * {@code PerMethodRecompilationCutoff} (400): a few traps and recompilations of shared Vector API methods, times
     * the dozens of vector operations of the GEMM micro-kernel, pass them, and the Vector API calls then stay in
     * their allocating Java fallback (tens of KB of garbage per training window). The two limits of 10000 are the
     * fix; the two type profile options were an earlier, partial countermeasure and stay. conf/jvm.options holds
     * them for embedded runs; the jobs add them to the executors' options ({@code ml.ExecutorOptions}, applied when
     * a job opens its session); a driver that runs the kernel itself (a local master) needs them in its own options.
     */
    public static final java.util.List<String> JIT_OPTIONS = java.util.List.of("-XX:TypeProfileLevel=0",
            "-XX:-UseTypeSpeculation", "-XX:PerMethodTrapLimit=10000", "-XX:PerMethodRecompilationCutoff=10000");

    private static final Logger LOG = LoggerFactory.getLogger(KernelBackend.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Whether the Vector API module is in the boot layer (the JVM was started with it). */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** netlib JavaBLAS GEMMs; vector gates when the module is present, scalar otherwise. */
    public static KernelBackend javaBlas() {
        return new KernelBackend(new JavaBlasSgemm(), vectorAvailable() ? vectorGates() : new ScalarGates());
    }

    /**
     * The Vector API backend.
     *
     * @throws IllegalStateException when the JVM was started without {@code --add-modules jdk.incubator.vector}
     */
    public static KernelBackend vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the vector kernel backend needs the JVM option --add-modules "
                    + VECTOR_MODULE + " (the jobs/ scripts and Spark 4 executors add it)");
        }
        return new KernelBackend(instantiate("org.sparkgru.kernel.VectorSgemm", Sgemm.class), vectorGates());
    }

    /** The backend every kernel uses by default: chosen once per JVM and logged. */
    public static KernelBackend best() {
        return Holder.BEST;
    }

    /** Parses a backend name: {@code vector}, {@code javablas}. */
    public static KernelBackend named(String name) {
        return switch (name) {
            case "vector" -> vector();
            case "javablas" -> javaBlas();
            default -> throw new IllegalArgumentException("unknown kernel backend '" + name
                    + "' in -D" + PROPERTY + ": allowed are vector, javablas");
        };
    }

    private static Gates vectorGates() {
        return instantiate("org.sparkgru.kernel.VectorGates", Gates.class);
    }

    /** Loads Vector API classes reflectively so that this class links without the incubator module. */
    private static <T> T instantiate(String className, Class<T> type) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load " + className, e);
        }
    }

    private static final class Holder {
        static final KernelBackend BEST = choose();

        private static KernelBackend choose() {
            String forced = System.getProperty(PROPERTY);
            KernelBackend b;
            String why;
            if (forced != null) {
                b = named(forced);
                why = "forced by -D" + PROPERTY;
            } else if (vectorAvailable()) {
                b = vector();
                why = "Vector API module present";
            } else {
                b = javaBlas();
                why = "JVM started without --add-modules " + VECTOR_MODULE;
            }
            LOG.info("spark-gru kernel backend: {} with {} gates ({})", b.sgemm().name(),
                    b.gates().getClass().getSimpleName(), why);
            if (!(b.gates() instanceof ScalarGates) && Runtime.version().feature() < 25 && !jitOptionsSet()) {
                LOG.warn("this JVM runs without {}: before JDK 25 the Vector API kernel then often runs through its"
                        + " allocating fallback inside Spark (slower, constant garbage collection); add them to the"
                        + " JVM options (spark.driver.extraJavaOptions / spark.executor.extraJavaOptions)",
                        String.join(" ", JIT_OPTIONS));
            }
            return b;
        }

        /** The trap and recompilation limits below which JDK 17 can leave the kernel in its fallback. */
        private static final long MIN_LIMIT = 10000;

        /**
         * Whether this JVM runs with the options of {@link #JIT_OPTIONS} that matter, trap and recompilation limits
         * of at least 10000 (true where HotSpot's options cannot be read).
         */
        private static boolean jitOptionsSet() {
            try {
                var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                        com.sun.management.HotSpotDiagnosticMXBean.class);
                return hotspot == null || Long.parseLong(hotspot.getVMOption("PerMethodTrapLimit").getValue())
                        >= MIN_LIMIT && Long.parseLong(hotspot.getVMOption("PerMethodRecompilationCutoff").getValue())
                        >= MIN_LIMIT;
            } catch (RuntimeException | LinkageError e) {
                return true;
            }
        }
    }
}
