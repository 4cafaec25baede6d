package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.sparkgru.model.ModelFormatException;

/**
 * A checkpoint's {@code .solver} file that spark-gru did not write is refused with a message, never deserialized into
 * arbitrary objects. (A real state's round trip is tested end to end by TrainJobTest's exact L-BFGS resume.)
 */
class LbfgsStateTest {
    private static byte[] solverFile(Object payload) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(buf)) {
            data.writeInt(0x4c424653);
            data.writeInt(3);
            ObjectOutputStream out = new ObjectOutputStream(data);
            out.writeObject(payload);
            out.flush();
        }
        return buf.toByteArray();
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(ModelFormatException.class, () -> LbfgsState.read(bytes, 10)).getMessage();
    }

    @Test
    void foreignBytesAreNotASolverFile() {
        assertTrue(refusal(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}).contains("is not a spark-gru solver file"));
        assertTrue(refusal(new byte[3]).contains("is not a spark-gru solver file"));
    }

    @Test
    void objectsOutsideBreezesStateAreRejectedBeforeTheyAreBuilt() throws IOException {
        String m = refusal(solverFile(new java.util.HashMap<>(java.util.Map.of("a", 1))));
        assertTrue(m.contains("holds objects other than Breeze's optimizer state") && m.contains("REJECTED"), m);
    }

    @Test
    void truncatedOrMistypedStatesAreCorrupt() throws IOException {
        byte[] whole = solverFile(scala.Option.apply("not a state"));
        String m = refusal(whole);
        assertTrue(m.contains("is corrupt"), m);
        m = refusal(java.util.Arrays.copyOf(whole, whole.length - 5));
        assertTrue(m.contains("is corrupt"), m);
    }
}
