package org.biomarkerstreams.demo;

import java.util.concurrent.CountDownLatch;

/** Waits that an interrupt does not cut short: the interrupt is kept for the caller to see afterwards. */
final class Uninterruptibly {

    private Uninterruptibly() {}

    /** Returns once {@code latch} is open, re-asserting the thread's interrupt if one came meanwhile. */
    static void await(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
