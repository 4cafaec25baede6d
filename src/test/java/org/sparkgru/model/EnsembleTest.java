package org.sparkgru.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnsembleTest {
    private static final NetworkSpec SPEC = NetworkSpec.regression(2, 4, 2, Variant.RESET_BEFORE, 3, 1);

    @Test
    void memberMIsTheSingleNetworkOfSeedPlusM() {
        int p = new ParameterLayout(SPEC).size();
        float[] all = Ensemble.keras(SPEC, 7, 3);
        assertEquals(3 * p, all.length);
        for (int m = 0; m < 3; m++) {
            assertArrayEquals(Initializer.keras(SPEC, 7 + m), Arrays.copyOfRange(all, m * p, (m + 1) * p));
        }
        assertArrayEquals(Initializer.keras(SPEC, 7), Ensemble.keras(SPEC, 7, 1), "one member: the single network");
    }

    @Test
    void membersAreCountedFromTheArrayLength() {
        int p = new ParameterLayout(SPEC).size();
        assertEquals(1, Ensemble.members(SPEC, p));
        assertEquals(5, Ensemble.members(SPEC, 5 * p));
        assertEquals(-1, Ensemble.members(SPEC, p + 1));
        assertEquals(-1, Ensemble.members(SPEC, 0));
        assertEquals(-1, Ensemble.members(SPEC, 65 * p));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GruModel.of(SPEC, new float[p + 1]));
        assertEquals("the network needs a multiple of " + p + " parameters (one set per ensemble member, at most 64),"
                + " got " + (p + 1), e.getMessage());
    }

    @Test
    void theMedianOfOddAndEvenCounts() {
        assertEquals(2f, Ensemble.median(new float[] {3, 1, 2}, 3));
        assertEquals(2.5f, Ensemble.median(new float[] {4, 1, 3, 2}, 4));
        assertEquals(7f, Ensemble.median(new float[] {7, 100}, 1), "only the prefix counts");
        assertEquals(-1f, Ensemble.median(new float[] {-1, 50, -3}, 3), "robust to one outlying member");
    }

    @Test
    void tensorNamesKeepTheSingleNetworksNames() {
        assertEquals("head.bias", Ensemble.tensorName(1, 0, "head.bias"));
        assertEquals("members.2.head.bias", Ensemble.tensorName(3, 2, "head.bias"));
    }

    /** The PyTorch export writes every member under {@code members.m.}, each as the single network's export. */
    @Test
    void theTorchExportWritesEveryMember() {
        NetworkSpec spec = NetworkSpec.regression(2, 3, 2, Variant.RESET_AFTER, 4, 1);
        float[] all = Ensemble.keras(spec, 11, 2);
        java.util.List<SafeTensors.Tensor> both = TorchExport.tensors(GruModel.of(spec, all));
        for (int m = 0; m < 2; m++) {
            java.util.List<SafeTensors.Tensor> alone = TorchExport.tensors(GruModel.of(spec,
                    Initializer.keras(spec, 11 + m)));
            for (SafeTensors.Tensor t : alone) {
                String name = "members." + m + "." + t.name();
                SafeTensors.Tensor mine = both.stream().filter(b -> b.name().equals(name)).findFirst()
                        .orElseThrow(() -> new AssertionError(name));
                assertArrayEquals(t.shape(), mine.shape(), t.name());
                assertArrayEquals(Arrays.copyOfRange(t.data(), t.offset(), t.offset() + size(t)),
                        Arrays.copyOfRange(mine.data(), mine.offset(), mine.offset() + size(t)), t.name());
            }
        }
        assertEquals(2 * TorchExport.tensors(GruModel.of(spec, Initializer.keras(spec, 11))).size(), both.size());
    }

    private static int size(SafeTensors.Tensor t) {
        int n = 1;
        for (int d : t.shape()) {
            n *= d;
        }
        return n;
    }
}
