package org.sparkgru.training;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The heap bytes the current thread has allocated so far, from HotSpot's per-thread counter
 * ({@code com.sun.management.ThreadMXBean}); 0 on a JVM without it, so differences are 0 there too. The gradient
 * tasks report the difference around their kernel loop, which allocates nothing once the kernel is compiled.
 */
final class AllocationCounter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = supported();

    private AllocationCounter() {
    }

    static long bytes() {
        return SUPPORTED ? ((com.sun.management.ThreadMXBean) THREADS).getCurrentThreadAllocatedBytes() : 0;
    }

    private static boolean supported() {
        try {
            return THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                    && t.isThreadAllocatedMemoryEnabled();
        } catch (LinkageError e) {
            return false;
        }
    }
}
