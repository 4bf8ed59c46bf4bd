import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Benchmark helper (not part of Bastion): where the CPU samples and the allocations of a JFR recording
 * go, per request served while it recorded.
 *
 *   java bench/tools/JfrSummary.java REC.jfr REQUESTS [TOP]
 *   java bench/tools/JfrSummary.java --compare A.jfr A_REQUESTS B.jfr B_REQUESTS [TOP]
 *   java bench/tools/JfrSummary.java --callers REC.jfr METHOD [DEPTH] [TOP]
 *   java bench/tools/JfrSummary.java --owned REC.jfr REQUESTS OWNER [TOP]
 *   java bench/tools/JfrSummary.java --via REC.jfr REQUESTS PREFIX [TOP]
 *
 * CPU: jdk.CPUTimeSample events when the recording has them (JDK 25's CPU-time sampler: one sample per
 * 10 ms of a Java thread's CPU time, native and kernel time included, so samples × 10 ms is CPU time;
 * GC threads are not Java threads and are not sampled), otherwise jdk.ExecutionSample (threads in Java
 * code only, every 10 ms with settings=profile). Allocation: jdk.ObjectAllocationSample, whose weights add up to the bytes
 * allocated. Each sample is counted under
 *   - its top frame (self time), by method and by package;
 *   - its "owner": the innermost Bastion frame (dev.bastion.*) on the stack, by package (dev.bastion.waf,
 *     .guard, .budget …) and by class — the Bastion code that caused the work, library code included;
 *     "(no Bastion frame)" is Netty and Vert.x working on their own (socket reads and writes, codecs);
 *   - its thread (digits folded, so both event loops are one line).
 * --compare prints the owners of two recordings side by side in samples and bytes per request, with
 * the difference: what A's route does that B's does not. --callers prints the most frequent call paths
 * (DEPTH frames, default 8) of the CPU samples whose top frame is METHOD ("Class.method", or a part of it);
 * --owned the top frames, and the innermost Bastion methods, of the samples whose owner class starts
 * with OWNER (a class or a package); --via the CPU and allocation samples with a frame of a library
 * (a class-name prefix: com.fasterxml.jackson), by the innermost Bastion method and line below it.
 */
public class JfrSummary {

    static final class Tally {
        final Map<String, Long> map = new HashMap<>();
        long total;

        void add(String key, long weight) {
            map.merge(key, weight, Long::sum);
            total += weight;
        }

        List<Map.Entry<String, Long>> top(int n) {
            return map.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n).toList();
        }
    }

    static final class Profile {
        final String file;
        final long requests;
        String cpuEvent = "jdk.ExecutionSample";
        final Tally cpuMethod = new Tally(), cpuPackage = new Tally(), cpuOwner = new Tally(), cpuOwnerClass = new Tally(), cpuThread = new Tally();
        final Tally allocClass = new Tally(), allocMethod = new Tally(), allocOwner = new Tally(), allocOwnerClass = new Tally();
        long gcs, lost, allocatedExactly;
        Duration gcPause = Duration.ZERO, longestPause = Duration.ZERO;
        Instant first, last;

        Profile(String file, long requests) {
            this.file = file;
            this.requests = requests;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("--via")) {
            via(args[1], Long.parseLong(args[2]), args[3], args.length > 4 ? Integer.parseInt(args[4]) : 15);
        } else if (args.length >= 4 && args[0].equals("--owned")) {
            owned(args[1], Long.parseLong(args[2]), args[3], args.length > 4 ? Integer.parseInt(args[4]) : 15);
        } else if (args.length >= 3 && args[0].equals("--callers")) {
            callers(args[1], args[2], args.length > 3 ? Integer.parseInt(args[3]) : 8, args.length > 4 ? Integer.parseInt(args[4]) : 10);
        } else if (args.length >= 5 && args[0].equals("--compare")) {
            Profile a = read(args[1], Long.parseLong(args[2])), b = read(args[3], Long.parseLong(args[4]));
            int top = args.length > 5 ? Integer.parseInt(args[5]) : 25;
            compare(a, b, top);
        } else if (args.length >= 2) {
            print(read(args[0], Long.parseLong(args[1])), args.length > 2 ? Integer.parseInt(args[2]) : 15);
        } else {
            System.err.println("usage: JfrSummary REC.jfr REQUESTS [TOP] | --compare A.jfr A_REQUESTS B.jfr B_REQUESTS [TOP]");
            System.exit(2);
        }
    }

    static void callers(String file, String method, int depth, int top) throws Exception {
        Tally paths = new Tally();
        String cpuEvent = null;
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(file));
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        long all = 0;
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals(cpuTime ? "jdk.CPUTimeSample" : "jdk.ExecutionSample")) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) continue;
            all++;
            if (!method(st.getFrames().get(0)).contains(method)) continue;
            StringBuilder b = new StringBuilder();
            for (RecordedFrame f : st.getFrames().subList(0, Math.min(depth, st.getFrames().size()))) {
                b.append("\n      ").append(method(f)).append(':').append(f.getLineNumber());
            }
            paths.add(b.toString(), 1);
        }
        System.out.printf("%s: %d of %d CPU samples have %s on top%n", Path.of(file).getFileName(), paths.total, all, method);
        for (Map.Entry<String, Long> e : paths.top(top)) {
            System.out.printf("  %5.1f%% of those%s%n", 100.0 * e.getValue() / paths.total, e.getKey());
        }
    }

    static void owned(String file, long requests, String owner, int top) throws Exception {
        Tally self = new Tally(), bastion = new Tally(), alloc = new Tally();
        List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(Path.of(file)));
        events.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        Set<Long> sampledAllocation = new java.util.HashSet<>();
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            boolean isCpu = type.equals(cpuTime ? "jdk.CPUTimeSample" : "jdk.ExecutionSample");
            boolean isAlloc = type.equals("jdk.ObjectAllocationSample");
            if (!isCpu && !isAlloc) continue;
            if (isAlloc && (e.getThread() == null || sampledAllocation.add(e.getThread().getId()))) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) continue;
            if (!ownerClass(st).startsWith(owner)) continue;
            if (isAlloc) {
                alloc.add(method(st.getFrames().get(0)), e.getLong("weight"));
                continue;
            }
            self.add(method(st.getFrames().get(0)), 1);
            for (RecordedFrame f : st.getFrames()) {
                if (f.isJavaFrame() && typeName(f.getMethod().getType()).startsWith("dev.bastion.")) {
                    bastion.add(method(f) + ":" + f.getLineNumber(), 1);
                    break;
                }
            }
        }
        Profile p = new Profile(file, requests);
        if (cpuTime) p.cpuEvent = "jdk.CPUTimeSample";
        System.out.printf("%s: charged to %s*: %.1f %s, %.1f bytes allocated per request%n", Path.of(file).getFileName(), owner,
                self.total * scale(p, false), unit(p, false), alloc.total * scale(p, true));
        table("charged to " + owner + "*: top frames", self, top, p, false);
        table("charged to " + owner + "*: innermost Bastion method and line", bastion, top, p, false);
        table("charged to " + owner + "*: allocating method", alloc, top, p, true);
    }

    static void via(String file, long requests, String prefix, int top) throws Exception {
        Tally cpu = new Tally(), alloc = new Tally();
        List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(Path.of(file)));
        events.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        Set<Long> sampledAllocation = new java.util.HashSet<>();
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            boolean isCpu = type.equals(cpuTime ? "jdk.CPUTimeSample" : "jdk.ExecutionSample");
            boolean isAlloc = type.equals("jdk.ObjectAllocationSample");
            if (!isCpu && !isAlloc) continue;
            if (isAlloc && (e.getThread() == null || sampledAllocation.add(e.getThread().getId()))) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null) continue;
            boolean inside = false;
            for (RecordedFrame f : st.getFrames()) {
                if (!f.isJavaFrame()) continue;
                String n = typeName(f.getMethod().getType());
                if (n.startsWith(prefix)) inside = true;
                else if (inside && n.startsWith("dev.bastion.")) {
                    if (isCpu) cpu.add(method(f) + ":" + f.getLineNumber(), 1);
                    else alloc.add(method(f) + ":" + f.getLineNumber(), e.getLong("weight"));
                    break;
                }
            }
        }
        Profile p = new Profile(file, requests);
        if (cpuTime) p.cpuEvent = "jdk.CPUTimeSample";
        System.out.printf("%s: CPU in %s: %.1f %s in all; allocated: %.1f bytes per request in all%n", Path.of(file).getFileName(), prefix,
                cpu.total * scale(p, false), unit(p, false), alloc.total * scale(p, true));
        table("CPU in " + prefix + "*, by the Bastion method calling it", cpu, top, p, false);
        table("allocation in " + prefix + "*, by the Bastion method calling it", alloc, top, p, true);
    }

    static Profile read(String file, long requests) throws Exception {
        Profile p = new Profile(file, requests);
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(file));
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        if (cpuTime) p.cpuEvent = "jdk.CPUTimeSample";
        events = new ArrayList<>(events);
        events.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
        Set<Long> sampledAllocation = new java.util.HashSet<>();
        Map<Long, long[]> allocatedByThread = new HashMap<>();
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (type.equals(p.cpuEvent)) {
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) continue;
                RecordedFrame top = st.getFrames().get(0);
                p.cpuMethod.add(method(top), 1);
                p.cpuPackage.add(pkg(top.getMethod().getType()), 1);
                String ownerClass = ownerClass(st);
                p.cpuOwner.add(ownerPackage(ownerClass), 1);
                p.cpuOwnerClass.add(ownerClass, 1);
                RecordedThread t = e.hasField("sampledThread") ? e.getThread("sampledThread") : e.getThread();
                p.cpuThread.add(t == null ? "?" : t.getJavaName() == null ? t.getOSName() : t.getJavaName().replaceAll("[0-9]+", "N"), 1);
                if (p.first == null || e.getStartTime().isBefore(p.first)) p.first = e.getStartTime();
                if (p.last == null || e.getStartTime().isAfter(p.last)) p.last = e.getStartTime();
            } else if (type.equals("jdk.ThreadAllocationStatistics")) {
                long[] firstLast = allocatedByThread.computeIfAbsent(e.getThread("thread").getId(), k -> new long[] {-1, 0});
                if (firstLast[0] < 0) firstLast[0] = e.getLong("allocated");
                firstLast[1] = e.getLong("allocated");
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                if (e.getThread() == null || sampledAllocation.add(e.getThread().getId())) continue;
                long w = e.getLong("weight");
                RecordedClass c = e.getClass("objectClass");
                p.allocClass.add(c == null ? "?" : c.getName(), w);
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) continue;
                p.allocMethod.add(method(st.getFrames().get(0)), w);
                String ownerClass = ownerClass(st);
                p.allocOwner.add(ownerPackage(ownerClass), w);
                p.allocOwnerClass.add(ownerClass, w);
            } else if (type.equals("jdk.CPUTimeSamplesLost")) {
                p.lost += e.getLong("lostSamples");
            } else if (type.equals("jdk.GarbageCollection")) {
                p.gcs++;
                Duration d = e.getDuration("sumOfPauses");
                p.gcPause = p.gcPause.plus(d);
                if (d.compareTo(p.longestPause) > 0) p.longestPause = d;
            }
        }
        for (long[] firstLast : allocatedByThread.values()) p.allocatedExactly += firstLast[1] - firstLast[0];
        return p;
    }

    static String method(RecordedFrame f) {
        return typeName(f.getMethod().getType()) + "." + f.getMethod().getName();
    }

    static String typeName(RecordedClass c) {
        return c.getName().replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda").replaceAll("/0x[0-9a-f]+", "");
    }

    static String pkg(RecordedClass c) {
        String n = c.getName();
        int i = n.lastIndexOf('.');
        return i < 0 ? "(default)" : n.substring(0, i);
    }

    /** The innermost Bastion class on the stack, or "(no Bastion frame)". */
    static String ownerClass(RecordedStackTrace st) {
        for (RecordedFrame f : st.getFrames()) {
            if (!f.isJavaFrame()) continue;
            String n = typeName(f.getMethod().getType());
            if (n.startsWith("dev.bastion.")) return n.replaceAll("\\$.*", "");
        }
        return st.isTruncated() ? "(truncated stack)" : "(no Bastion frame)";
    }

    /** dev.bastion.waf.inspect.X → dev.bastion.waf; anything else as it is. */
    static String ownerPackage(String ownerClass) {
        if (!ownerClass.startsWith("dev.bastion.")) return ownerClass;
        String[] parts = ownerClass.split("\\.");
        return parts.length > 3 ? "dev.bastion." + parts[2] : ownerClass;
    }

    static void print(Profile p, int top) {
        double perK = 1000.0 / p.requests;
        Duration span = p.first == null ? Duration.ZERO : Duration.between(p.first, p.last);
        System.out.printf("%s: %d requests; %s: %d samples over %.1f s (%.2f per 1,000 requests%s)%s%n", Path.of(p.file).getFileName(), p.requests,
                p.cpuEvent, p.cpuMethod.total, span.toMillis() / 1000.0, p.cpuMethod.total * perK,
                p.cpuEvent.equals("jdk.CPUTimeSample") ? String.format(", ≈ %.1f µs of Java threads' CPU per request", p.cpuMethod.total * 10_000.0 / p.requests) : "",
                p.lost > 0 ? ", " + p.lost + " samples lost" : "");
        System.out.printf("allocated: %.1f MB, %.1f KB per request (thread statistics; the samples' weights add up to %.1f KB); GC: %d collections, %.1f ms of pauses (longest %.1f ms)%n",
                p.allocatedExactly / 1e6, p.allocatedExactly / 1024.0 / p.requests, p.allocClass.total / 1024.0 / p.requests, p.gcs,
                p.gcPause.toNanos() / 1e6, p.longestPause.toNanos() / 1e6);
        table("CPU samples by owner (innermost Bastion package)", p.cpuOwner, top, p, false);
        table("CPU samples by owner class (innermost Bastion class)", p.cpuOwnerClass, top, p, false);
        table("CPU samples by top frame (self), method", p.cpuMethod, top, p, false);
        table("CPU samples by top frame (self), package", p.cpuPackage, top, p, false);
        table("CPU samples by thread", p.cpuThread, 8, p, false);
        table("allocation by owner (innermost Bastion package)", p.allocOwner, top, p, true);
        table("allocation by owner class", p.allocOwnerClass, top, p, true);
        table("allocation by allocating method", p.allocMethod, top, p, true);
        table("allocation by class allocated", p.allocClass, top, p, true);
    }

    /** Per request: bytes, µs of CPU (CPU-time samples, 10 ms each) or samples per 1,000 requests. */
    static String unit(Profile p, boolean bytes) {
        return bytes ? "bytes/req" : p.cpuEvent.equals("jdk.CPUTimeSample") ? "µs CPU/req" : "per 1k req";
    }

    static double scale(Profile p, boolean bytes) {
        return bytes ? 1.0 / p.requests : p.cpuEvent.equals("jdk.CPUTimeSample") ? 10_000.0 / p.requests : 1000.0 / p.requests;
    }

    static void table(String title, Tally t, int top, Profile p, boolean bytes) {
        System.out.println();
        System.out.printf("%s%n", title);
        System.out.printf("  %6s  %12s  %s%n", "share", unit(p, bytes), "");
        for (Map.Entry<String, Long> e : t.top(top)) {
            System.out.printf("  %5.1f%%  %12.1f  %s%n", 100.0 * e.getValue() / t.total, e.getValue() * scale(p, bytes), e.getKey());
        }
    }

    static void compare(Profile a, Profile b, int top) {
        System.out.printf("A = %s (%d requests), B = %s (%d requests); CPU from %s / %s%n", Path.of(a.file).getFileName(), a.requests,
                Path.of(b.file).getFileName(), b.requests, a.cpuEvent, b.cpuEvent);
        if (!a.cpuEvent.equals(b.cpuEvent)) throw new IllegalArgumentException("the recordings sample CPU differently");
        String cpu = "CPU, " + unit(a, false);
        diff(cpu + ", by owner", a.cpuOwner, a, b.cpuOwner, b, top, k -> scale(k, false));
        diff(cpu + ", by owner class", a.cpuOwnerClass, a, b.cpuOwnerClass, b, top, k -> scale(k, false));
        diff(cpu + ", by top frame (self)", a.cpuMethod, a, b.cpuMethod, b, top, k -> scale(k, false));
        diff(cpu + ", by top-frame package (self)", a.cpuPackage, a, b.cpuPackage, b, top, k -> scale(k, false));
        diff("bytes allocated per request, by owner", a.allocOwner, a, b.allocOwner, b, top, k -> scale(k, true));
        diff("bytes allocated per request, by owner class", a.allocOwnerClass, a, b.allocOwnerClass, b, top, k -> scale(k, true));
        diff("bytes allocated per request, by allocating method", a.allocMethod, a, b.allocMethod, b, top, k -> scale(k, true));
    }

    static void diff(String title, Tally ta, Profile a, Tally tb, Profile b, int top, Function<Profile, Double> scale) {
        double sa = scale.apply(a), sb = scale.apply(b);
        Set<String> keys = new LinkedHashSet<>(ta.map.keySet());
        keys.addAll(tb.map.keySet());
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort((x, y) -> Double.compare(Math.abs(ta.map.getOrDefault(y, 0L) * sa - tb.map.getOrDefault(y, 0L) * sb),
                Math.abs(ta.map.getOrDefault(x, 0L) * sa - tb.map.getOrDefault(x, 0L) * sb)));
        double totalA = ta.total * sa, totalB = tb.total * sb, totalDiff = totalA - totalB;
        System.out.println();
        System.out.println(title + " (largest differences first)");
        System.out.printf("  %12s %12s %12s %10s  %s%n", "A", "B", "A - B", "of diff", "");
        System.out.printf("  %12.1f %12.1f %12.1f %9.1f%%  %s%n", totalA, totalB, totalDiff, 100.0, "(all)");
        for (String k : sorted.subList(0, Math.min(top, sorted.size()))) {
            double va = ta.map.getOrDefault(k, 0L) * sa, vb = tb.map.getOrDefault(k, 0L) * sb;
            System.out.printf("  %12.1f %12.1f %12.1f %9.1f%%  %s%n", va, vb, va - vb, totalDiff == 0 ? 0 : 100.0 * (va - vb) / totalDiff, k);
        }
    }
}
