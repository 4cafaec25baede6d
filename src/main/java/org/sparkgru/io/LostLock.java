package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;

/**
 * How a run lost its {@link DirectoryLock}: what the lock file held when that was found.
 *
 * @param holder the run holding the lock now, or null when the lock was removed (or is unreadable)
 * @param found  when this run found out
 */
record LostLock(JsonNode holder, Instant found) {

    /** The error that stops the run before it writes {@code write} into {@code dir}. */
    UserError error(Path dir, String write) {
        if (holder == null) {
            return new UserError("the lock of model directory " + dir + " was removed while this run held it (found"
                    + " at " + found + "); this run stopped without writing " + write + "; make sure no other run"
                    + " writes " + dir + ", then continue this training with --resume");
        }
        return new UserError("the lock of model directory " + dir + " was taken over by another run ("
                + DirectoryLock.describe(holder) + "), which saw no heartbeat of this run for "
                + DirectoryLock.STALE.toMinutes() + " minutes (a stalled driver or file system, or clocks more than a"
                + " minute apart); this run stopped without writing " + write + "; let that run finish, or stop it"
                + " and continue this training with --resume");
    }
}
