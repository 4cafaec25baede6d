package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.io.ModelDirectory;

/** {@link Checkpoints} write only while the training holds the model directory's lock. */
class CheckpointsTest {
    @TempDir
    Path tmp;

    private static TrainingState state(int iteration) {
        float[] w = {1, 2, 3};
        return new TrainingState(iteration, w, new TrainingState.Best(w, 0.5, iteration, 0, null),
                new TrainingState.Rule(Map.of(), iteration, 1, 0, null));
    }

    @Test
    void aRunThatLostTheLockWritesNoCheckpoint() throws IOException {
        ModelDirectory dir = ModelDirectory.of(tmp.resolve("model").toString(), new Configuration());
        try (DirectoryLock lock = dir.lock()) {
            Checkpoints checkpoints = new Checkpoints(dir, lock);
            checkpoints.write(state(10), "{}");
            assertEquals(10, checkpoints.newest(3, Set.of()).iteration(), "written while held");
            Instant now = Instant.now();
            Files.writeString(tmp.resolve("model").resolve(DirectoryLock.NAME), "{\"owner\":\"ana\",\"host\":\"node7\","
                    + "\"pid\":42,\"run\":\"r-taker\",\"started\":\"" + now + "\",\"heartbeat\":\"" + now + "\"}");
            UserError e = assertThrows(UserError.class, () -> checkpoints.write(state(20), "{}"));
            assertTrue(e.getMessage().startsWith("the lock of model directory " + dir.root() + " was taken over by"
                    + " another run (ana on node7, process 42, run r-taker, started " + now), e.getMessage());
            assertTrue(e.getMessage().contains("; this run stopped without writing the checkpoint of iteration 20;"),
                    e.getMessage());
            assertEquals(10, checkpoints.newest(3, Set.of()).iteration(), "nothing of iteration 20 written");
            try (var names = Files.list(tmp.resolve("model").resolve(ModelDirectory.CHECKPOINTS))) {
                assertTrue(names.noneMatch(p -> p.getFileName().toString().contains("000000020")));
            }
        }
    }
}
