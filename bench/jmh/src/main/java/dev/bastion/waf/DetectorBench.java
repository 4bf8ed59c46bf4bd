package dev.bastion.waf;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tokenizing detectors on the benign values they see most: the speed the detector tests once asserted
 * in microseconds (and failed on a busy machine), measured here instead. Inputs are those of
 * SqlInjectionDetectorTest, XssDetectorTest and CommandInjectionDetectorTest. Baseline: parsing the
 * benchmark's chat body with Jackson, which any body-reading control pays (as in WafBench).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorBench {
    /** 600 characters of customer prose: apostrophes, numbers, dates, parentheses — close to SQL, and not. */
    static final String PROSE = ("Hi! I'd like to change my order, it's #1234 from 2024-01-15; the size is wrong (M instead of L) and "
            + "the colour isn't what the site showed. Can you send a new one or refund me? Thanks, Mary O'Brien. ").repeat(3);
    static final String CHAT_TEXT = "Hi there! Could you summarise the attached report for me? I need the key figures for Q3, the risks the team "
            + "listed, and what they recommend for next year. Please keep it under 200 words and use bullet points. Thanks a lot, "
            + "and have a great day. PS: the meeting moved to 14:30 on Friday; bring the printed version of report.pdf if you can.";
    /** bench/waf.sh's benign values, as the 932 rules see them. */
    static final String[] FORM_VALUES = {
            "You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure.",
            "Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests? We run three replicas behind it.",
            "We would like to move our support team to the new plan next month. ".repeat(40), "Jane Doe", "Example Corp", "team", "25"};
    /** Prose full of shell separators, read to its end. */
    static final String PROSE_WITH_SEPARATORS = "Tom & Jerry; popcorn, and then (for the record) a note with = and / in it: https://example.com/a?b=c&d=e. ".repeat(6);

    final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    final byte[] chat = WafBench.CHAT.getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public Object jsonParse() throws java.io.IOException {
        return json.readTree(chat);
    }

    @Benchmark
    public boolean sqlOnProse() {
        return SqlInjectionDetector.matches(PROSE);
    }

    @Benchmark
    public boolean xssOnChat() {
        return XssDetector.matches(CHAT_TEXT);
    }

    @Benchmark
    public int commandOnFormValues() {
        int matched = 0;
        for (String v : FORM_VALUES) if (CommandInjectionDetector.matches(v)) matched++;
        return matched;
    }

    @Benchmark
    public boolean commandOnProseWithSeparators() {
        return CommandInjectionDetector.matches(PROSE_WITH_SEPARATORS);
    }
}
