package org.sparkgru.training;

import breeze.linalg.DenseVector;
import breeze.optimize.DiffFunction;
import java.lang.invoke.MethodHandles;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.xbean.asm9.ClassWriter;
import org.apache.xbean.asm9.MethodVisitor;
import org.apache.xbean.asm9.Opcodes;
import org.sparkgru.data.Series;
import scala.Tuple2;

/**
 * The full-batch cost function {@link LbfgsStep} minimizes, as Spark MLlib's multilayer perceptron does: the mean
 * loss and mean gradient over every training window, each evaluation one broadcast of the weights and one
 * {@code treeAggregate} of exact fixed-point partition sums ({@link GradientSum}). Breeze works in double; the
 * kernel in float.
 */
final class FullBatchCost {
    private static final String ADAPTER = "org/sparkgru/training/BreezeDiffFunction";
    private static Class<?> adapter;

    private final JavaSparkContext sc;
    private final JavaRDD<Series> series;
    private final PartitionWork work;
    private final int depth;
    private int evaluations;

    FullBatchCost(JavaSparkContext sc, JavaRDD<Series> series, PartitionWork work, int depth) {
        this.sc = sc;
        this.series = series;
        this.work = work;
        this.depth = depth;
    }

    /** Mean loss and mean gradient at {@code x}. */
    Tuple2<Object, DenseVector<Object>> calculate(DenseVector<Object> x) {
        double[] xd = (double[]) x.data();
        float[] params = new float[x.length()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) xd[x.offset() + i * x.stride()];
        }
        Broadcast<float[]> bc = sc.broadcast(params);
        sc.setJobDescription("spark-gru L-BFGS cost evaluation " + (++evaluations));
        PartitionWork w = work;
        GradientSum sum = series.mapPartitions(it -> List.of(w.fullGradient(it, bc.value())).iterator())
                .treeAggregate(GradientSum.empty(), GradientSum::merge, GradientSum::merge, depth);
        bc.destroy();
        float[] g = new float[params.length];
        sum.mean(g);
        double[] gd = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            gd[i] = g[i];
        }
        double loss = sum.overflow ? Double.POSITIVE_INFINITY : sum.meanLoss();
        return new Tuple2<>(loss, new DenseVector<>(gd));
    }

    int evaluations() {
        return evaluations;
    }

    /** Continues the evaluation count of a resumed run. */
    void countFrom(int done) {
        evaluations = done;
    }

    /**
     * This cost as a Breeze {@code DiffFunction}. Breeze's Scala trait inherits two {@code apply} methods that
     * differ only in return type ({@code double} from the trait, {@code Object} from {@code Function1}), which the
     * Scala compiler bridges but Java source cannot declare. So the adapter class is generated once with ASM (the copy
     * Spark ships): {@code calculate} delegates here, {@code apply} returns the loss, {@code repr} returns itself;
     * everything else is the trait's default methods.
     */
    @SuppressWarnings("unchecked")
    DiffFunction<DenseVector<Object>> asDiffFunction() {
        try {
            return (DiffFunction<DenseVector<Object>>) adapterClass().getConstructor(FullBatchCost.class)
                    .newInstance(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the Breeze cost adapter", e);
        }
    }

    private static synchronized Class<?> adapterClass() throws IllegalAccessException {
        if (adapter == null) {
            adapter = MethodHandles.lookup().defineClass(adapterBytes());
        }
        return adapter;
    }

    private static byte[] adapterBytes() {
        String self = "org/sparkgru/training/FullBatchCost";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, ADAPTER, null,
                "java/lang/Object", new String[] {"breeze/optimize/DiffFunction"});
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "cost", "L" + self + ";", null, null).visitEnd();

        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(L" + self + ";)V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 1);
        init.visitFieldInsn(Opcodes.PUTFIELD, ADAPTER, "cost", "L" + self + ";");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor calc = cw.visitMethod(Opcodes.ACC_PUBLIC, "calculate", "(Ljava/lang/Object;)Lscala/Tuple2;",
                null, null);
        calc.visitCode();
        calc.visitVarInsn(Opcodes.ALOAD, 0);
        calc.visitFieldInsn(Opcodes.GETFIELD, ADAPTER, "cost", "L" + self + ";");
        calc.visitVarInsn(Opcodes.ALOAD, 1);
        calc.visitTypeInsn(Opcodes.CHECKCAST, "breeze/linalg/DenseVector");
        calc.visitMethodInsn(Opcodes.INVOKEVIRTUAL, self, "calculate",
                "(Lbreeze/linalg/DenseVector;)Lscala/Tuple2;", false);
        calc.visitInsn(Opcodes.ARETURN);
        calc.visitMaxs(0, 0);
        calc.visitEnd();

        MethodVisitor apply = cw.visitMethod(Opcodes.ACC_PUBLIC, "apply", "(Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        apply.visitCode();
        apply.visitVarInsn(Opcodes.ALOAD, 0);
        apply.visitVarInsn(Opcodes.ALOAD, 1);
        apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ADAPTER, "calculate", "(Ljava/lang/Object;)Lscala/Tuple2;",
                false);
        apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "scala/Tuple2", "_1", "()Ljava/lang/Object;", false);
        apply.visitInsn(Opcodes.ARETURN);
        apply.visitMaxs(0, 0);
        apply.visitEnd();

        MethodVisitor repr = cw.visitMethod(Opcodes.ACC_PUBLIC, "repr", "()Ljava/lang/Object;", null, null);
        repr.visitCode();
        repr.visitVarInsn(Opcodes.ALOAD, 0);
        repr.visitInsn(Opcodes.ARETURN);
        repr.visitMaxs(0, 0);
        repr.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
