package dev.bastion.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waits for something the system does by itself (a probe, a redelivery): 15 s at most, then the test fails naming it. */
public final class Eventually {
    private Eventually() {}

    public static void until(String what, Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 15 s: " + what);
            Thread.sleep(20);
        }
    }
}
