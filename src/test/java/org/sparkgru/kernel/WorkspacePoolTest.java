package org.sparkgru.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.Variant;

/** Workspaces are leased per running task and reused, however many threads ask for them. */
class WorkspacePoolTest {
    private static final NetworkSpec SPEC = NetworkSpec.regression(2, 8, 1, Variant.RESET_BEFORE, 3, 1);

    @Test
    void aReturnedWorkspaceIsReusedAndConcurrentLeasesGetTheirOwn() {
        WorkspacePool pool = WorkspacePool.training(16);
        Bptt first;
        try (WorkspacePool.Lease a = pool.lease(SPEC, 5); WorkspacePool.Lease b = pool.lease(SPEC, 5)) {
            first = a.kernel();
            assertNotSame(a.kernel(), b.kernel(), "two tasks at once, two workspaces");
            assertEquals(5, a.kernel().window());
        }
        assertEquals(2, pool.idleCount());
        try (WorkspacePool.Lease again = pool.lease(SPEC, 5)) {
            assertEquals(1, pool.idleCount());
            assertEquals(SPEC, again.kernel().spec());
        }
        // another thread, one at a time: no new workspace
        Thread t = new Thread(() -> {
            try (WorkspacePool.Lease l = pool.lease(SPEC, 5)) {
                assertEquals(SPEC, l.kernel().spec());
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(2, pool.idleCount(), "the other thread borrowed an idle workspace and gave it back");
        // another window length: the idle workspaces of the old one are dropped, a new one is built
        try (WorkspacePool.Lease other = pool.lease(SPEC, 7)) {
            assertEquals(7, other.kernel().window());
            assertEquals(0, pool.idleCount());
        }
        assertEquals(1, pool.idleCount());
        try (WorkspacePool.Lease l = pool.lease(SPEC, 7)) {
            assertNotSame(first, l.kernel());
        }
    }
}
