package dev.bastion.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Access-log lines into one file per UTC day, {@code access-YYYY-MM-DD.log} in a directory ({@code access_log.dir}),
 * created readable by their owner only (the lines hold client addresses and key ids). The file changes only at a
 * flush — {@link AccessLogWriter} flushes after each batch of whole lines — so a line is never split between two
 * days. Retention deletes the files of days that ended before its cutoff ({@link #expired}).
 */
public final class DailyLogFiles extends OutputStream {
    private static final Pattern NAME = Pattern.compile("access-(\\d{4}-\\d{2}-\\d{2})\\.log");

    private final Path dir;
    private final Clock clock;
    private LocalDate day;
    private OutputStream out;
    private boolean midBatch;

    public DailyLogFiles(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
    }

    /** The file of {@code day}. */
    public static Path file(Path dir, LocalDate day) {
        return dir.resolve("access-" + day + ".log");
    }

    @Override
    public void write(int b) throws IOException {
        current().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        current().write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        if (out != null) out.flush();
        midBatch = false;
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
        out = null;
    }

    private OutputStream current() throws IOException {
        if (!midBatch) {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            if (out == null || !today.equals(day)) {
                if (out != null) out.close();
                out = open(file(dir, today));
                day = today;
            }
            midBatch = true;
        }
        return out;
    }

    private static OutputStream open(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            // a restart on the same day appends
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes: the directory's ACL decides
        }
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** The access-log files in {@code dir} whose whole day ended at or before {@code cutoff}; other files are never touched. */
    public static List<Path> expired(Path dir, Instant cutoff) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(f)) continue;
                LocalDate day;
                try {
                    day = LocalDate.parse(m.group(1));
                } catch (java.time.format.DateTimeParseException notADate) {
                    continue;
                }
                if (!day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) out.add(f);
            }
        }
        out.sort(null);
        return out;
    }
}
