package dev.bastion.detect.injection.embedding;

import dev.bastion.detect.injection.LabelledText;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embeds every row of a corpus file once (minutes of CPU), optionally kept in a cache file named by the
 * corpus file's sha256 and the window settings, so re-running the trainer or the figures costs seconds.
 */
final class CorpusEmbeddings {
    private CorpusEmbeddings() {}

    /** Per row, one embedding per window. */
    static float[][][] of(Path corpus, List<LabelledText> rows, OnnxEncoder encoder, int threads, Path cacheDir) {
        Path cache = cacheDir == null ? null
                : cacheDir.resolve(sha256(corpus).substring(0, 16) + "-t" + OnnxEncoder.MAX_TOKENS + "w" + OnnxEncoder.MAX_WINDOWS + ".emb");
        if (cache != null && Files.isReadable(cache)) {
            float[][][] cached = read(cache);
            if (cached.length == rows.size()) return cached;
        }
        float[][][] embedded = embed(rows, encoder, threads, corpus.getFileName().toString());
        if (cache != null) write(cache, embedded);
        return embedded;
    }

    private static float[][][] embed(List<LabelledText> rows, OnnxEncoder encoder, int threads, String label) {
        float[][][] out = new float[rows.size()][][];
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                jobs.add(pool.submit(() -> {
                    for (int i = first; i < rows.size(); i += threads) {
                        out[i] = encoder.embed(rows.get(i).text());
                        int n = done.incrementAndGet();
                        if (n % 1000 == 0) System.err.printf("  %s: %d/%d embedded (%.0f s)%n", label, n, rows.size(), (System.nanoTime() - start) / 1e9);
                    }
                }));
            }
            for (Future<?> job : jobs) job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return out;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[][][] read(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            float[][][] rows = new float[in.readInt()][][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new float[in.readInt()][OnnxEncoder.DIM];
                for (float[] w : rows[i]) for (int d = 0; d < w.length; d++) w[d] = in.readFloat();
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, float[][][] rows) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "emb", ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(rows.length);
                for (float[][] row : rows) {
                    out.writeInt(row.length);
                    for (float[] w : row) for (float v : w) out.writeFloat(v);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
