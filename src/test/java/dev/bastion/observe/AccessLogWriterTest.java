package dev.bastion.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {
    @Test
    void linesArriveInOrderAndAreFlushedWithoutWaitingForMore() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLogWriter w = new AccessLogWriter(out)) {
            for (int i = 0; i < 1000; i++) w.accept("{\"n\":" + i + "}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (out.toString(StandardCharsets.UTF_8).lines().count() < 1000 && System.nanoTime() < deadline) Thread.sleep(10);
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(1000);
            assertThat(lines[0]).isEqualTo("{\"n\":0}");
            assertThat(lines[999]).isEqualTo("{\"n\":999}");
            w.accept("{\"late\":true}");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!out.toString(StandardCharsets.UTF_8).contains("late") && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("{\"late\":true}\n");
        }
    }

    @Test
    void aStuckOutputDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AccessLogWriter w = new AccessLogWriter(stuck);
        // The output's write waits for `release`, which only comes after the loop: the loop ending at all is the proof
        // that no caller waited for the output.
        for (int i = 0; i < 100_000; i++) w.accept("line " + i);
        assertThat(release.getCount()).isEqualTo(1);
        assertThat(w.dropped()).isGreaterThan(0);
        release.countDown();
        w.close();
    }

    /** Shutdown hooks run together: a request that ends after the writer closed still gets its line. */
    @Test
    void aLineAfterCloseIsWrittenNotLost() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out);
        w.accept("{\"n\":1}");
        w.close();
        w.accept("{\"n\":2}");
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
    }
}
