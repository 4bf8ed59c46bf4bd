package dev.bastion.egress;

import dev.bastion.net.Cidr;
import java.net.URI;
import java.util.List;
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
 * The egress check's cost per outbound connection: the URL parsed canonically and every resolved address
 * classified, against {@code URI.create(url).getHost()} (what the JDK alone would do, and get wrong).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EgressBench {
    private final String named = "https://api.openai.com/v1/chat/completions";
    private final String literal = "http://10.0.0.5:8080/v1";
    private final String sneaky = "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/";
    private final byte[] publicV4 = {(byte) 104, 18, 7, (byte) 192};
    private final byte[] teredo = new byte[] {0x20, 0x01, 0, 0, 0x41, 0x36, (byte) 0xe3, 0x78, (byte) 0x80, 0, 0x63, (byte) 0xbf, 0x56, 0x01, 0x56, 0x01};
    private final EgressPolicy policy = EgressPolicy.of(List.of("10.0.0.5", "llm.internal"), List.of(Cidr.parse("192.168.50.0/24")));

    @Benchmark
    public Object jdkUri() {
        return URI.create(named).getHost();
    }

    @Benchmark
    public Object parseNamed() {
        return Destination.of(named);
    }

    @Benchmark
    public Object parseLiteral() {
        return Destination.of(literal);
    }

    @Benchmark
    public Object classifyPublicV4() {
        return AddressClass.of(publicV4);
    }

    @Benchmark
    public Object classifyTeredo() {
        return AddressClass.of(teredo);
    }

    /** One connection's whole check: parse the named URL, classify the two addresses it resolved to. */
    @Benchmark
    public Object checkNamedTwoAddresses() {
        Destination d = Destination.of(named);
        return policy.refusal(d.host(), List.of(publicV4, teredo));
    }

    /** A refused IPv6 transition spelling of metadata: parse and classify. */
    @Benchmark
    public Object checkSneakyLiteral() {
        Destination d = Destination.of(sneaky);
        return policy.refusal(d.host(), List.of(dev.bastion.net.IpAddresses.parse(d.host())));
    }
}
