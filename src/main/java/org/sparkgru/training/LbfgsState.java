package org.sparkgru.training;

import breeze.linalg.DenseVector;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import java.io.Serializable;
import scala.collection.immutable.IndexedSeq;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import org.sparkgru.model.ModelFormatException;

/**
 * Breeze's L-BFGS state between two iterations ({@code FirstOrderMinimizer.State}: the iterate, value and gradient in
 * double precision, the curvature pairs of {@code LBFGS.ApproximateInverseHessian}, the convergence bookkeeping) and
 * the number of cost evaluations so far, as the bytes of a checkpoint's {@code .solver} file. The bytes are Java
 * serialization behind a magic number (Breeze's state classes are {@code Serializable}, except that the curvature
 * history holds its vector space, so it travels as a {@link History} of its vectors and is rebuilt on the double
 * vector space). They are tied to the Breeze version of the Spark that wrote them; another one is refused with a
 * message rather than resumed approximately.
 */
record LbfgsState(FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state, int evaluations) {
    private static final int MAGIC = 0x4c424653; // "LBFS"
    /**
     * Only Breeze's and Scala's classes, the history record and boxed numbers may be read back: a checkpoint is a
     * file anyone with write access to the model directory could replace.
     */
    private static final java.io.ObjectInputFilter FILTER = java.io.ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=1000000;breeze.**;scala.**;" + History.class.getName()
                    + ";java.lang.Number;java.lang.Double;java.lang.Integer;java.lang.Long;java.lang.Boolean;"
                    + "java.lang.Object;java.lang.invoke.SerializedLambda;java.lang.Class;java.lang.String;!*");

    /** The curvature pairs of {@code LBFGS.ApproximateInverseHessian}, without its (unserializable) vector space. */
    private record History(int m, IndexedSeq<DenseVector<Object>> memStep, IndexedSeq<DenseVector<Object>> memGradDelta)
            implements Serializable {
        LBFGS.ApproximateInverseHessian<DenseVector<Object>> rebuild() {
            return new LBFGS.ApproximateInverseHessian<>(m, memStep, memGradDelta, DenseVector.space_Double());
        }
    }

    byte[] bytes() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(buf)) {
            data.writeInt(MAGIC);
            data.writeInt(evaluations);
            ObjectOutputStream out = new ObjectOutputStream(data) {
                {
                    enableReplaceObject(true);
                }

                @Override
                @SuppressWarnings("unchecked")
                protected Object replaceObject(Object obj) {
                    if (obj instanceof LBFGS.ApproximateInverseHessian<?> h) {
                        var hessian = (LBFGS.ApproximateInverseHessian<DenseVector<Object>>) h;
                        return new History(hessian.m(), hessian.memStep(), hessian.memGradDelta());
                    }
                    return obj;
                }
            };
            out.writeObject(state);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the L-BFGS state: " + e, e);
        }
        return buf.toByteArray();
    }

    /** The state in {@code bytes}, checked to hold an iterate of {@code parameters} values. */
    @SuppressWarnings("unchecked")
    static LbfgsState read(byte[] bytes, int parameters) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (bytes.length < 8 || data.readInt() != MAGIC) {
                throw new ModelFormatException("the checkpoint's L-BFGS state is not a spark-gru solver file");
            }
            int evaluations = data.readInt();
            ObjectInputStream in = new ObjectInputStream(data) {
                {
                    enableResolveObject(true);
                    setObjectInputFilter(FILTER);
                }

                @Override
                protected Object resolveObject(Object obj) {
                    return obj instanceof History h ? h.rebuild() : obj;
                }

                @Override
                protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                    try {
                        return Class.forName(desc.getName(), false, LbfgsState.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        return super.resolveClass(desc);
                    }
                }
            };
            var state = (FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>) in.readObject();
            if (state.x().length() != parameters) {
                throw new ModelFormatException("the checkpoint's L-BFGS state has " + state.x().length()
                        + " parameters but the model has " + parameters + "; it belongs to another model");
            }
            return new LbfgsState(state, evaluations);
        } catch (ModelFormatException e) {
            throw e;
        } catch (InvalidClassException | ClassNotFoundException e) {
            if (String.valueOf(e.getMessage()).contains("REJECTED")) {
                throw new ModelFormatException("the checkpoint's L-BFGS state holds objects other than Breeze's"
                        + " optimizer state (" + e.getMessage() + "); it was not written by spark-gru, so it is not"
                        + " read; train without --resume", e);
            }
            throw new ModelFormatException("the checkpoint's L-BFGS state was written by another Breeze version ("
                    + e.getMessage() + "); train without --resume", e);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("the checkpoint's L-BFGS state is corrupt (" + e + "); train without"
                    + " --resume", e);
        }
    }
}
