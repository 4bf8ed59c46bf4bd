package dev.bastion.dataprotect;

import dev.bastion.config.DataProtectionConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.EgressSdkHttpClient;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.secrets.AwsSecretsManagerSource;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.tokens.MasterKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The KEK that wraps new data keys ({@code data_protection.kek}) and every KEK a stored data key may still be
 * wrapped by, found by the id its row names: {@code master}, or any {@code aws-kms:} key (called with the
 * configured region, endpoint and credentials). That is what lets {@code rotate-kek} move from one KEK to
 * another without a list of previous KEKs in the config: the rows say which KEK unwraps them.
 */
public final class Keks implements AutoCloseable {
    private final String currentId;
    private final Map<String, Kek> known = new ConcurrentHashMap<>();
    private final Function<String, Kek> make;

    Keks(String currentId, Function<String, Kek> make) {
        this.currentId = currentId;
        this.make = make;
    }

    /**
     * The KEKs of a config. {@code connector} carries the KMS calls (through the egress policy); it may be null
     * when no {@code aws-kms:} KEK is ever needed (a KMS id met then fails with a clear error).
     */
    public static Keks create(DataProtectionConfig config, Supplier<MasterKey> master, io.vertx.core.Vertx vertx, OutboundConnector connector,
                              SecretResolver secrets) {
        Duration timeout = Duration.ofSeconds(10);
        return new Keks(config.kek(), id -> {
            if (id.equals(DataProtectionConfig.MASTER)) return new MasterKek(master.get());
            if (!id.startsWith(AwsKmsKek.PREFIX)) throw new DataKeyException("data key wrapped by an unknown KEK '" + id + "'");
            if (connector == null) throw new DataKeyException(id + ": no outbound connector to reach KMS with");
            ClientProfile profile = new ClientProfile("data_protection:aws-kms", Duration.ofSeconds(5), 4, Duration.ofSeconds(30), 64 * 1024, false);
            return new AwsKmsKek(id, config.aws(), AwsSecretsManagerSource.credentials(config.aws() == null ? null : config.aws().credentials(), secrets,
                    "data_protection.aws.credentials."), new EgressSdkHttpClient(vertx, connector, profile, timeout, 64 * 1024), timeout);
        });
    }

    /** Fixed KEKs (tests, benchmarks): the first wraps new keys. */
    public static Keks of(Kek current, Kek... others) {
        Map<String, Kek> all = new ConcurrentHashMap<>();
        all.put(current.id(), current);
        for (Kek k : others) all.put(k.id(), k);
        return new Keks(current.id(), id -> {
            Kek k = all.get(id);
            if (k == null) throw new DataKeyException("data key wrapped by an unknown KEK '" + id + "'");
            return k;
        });
    }

    /** The master keyset as a KEK. */
    public static Kek master(MasterKey master) {
        return new MasterKek(master);
    }

    public Kek current() {
        return byId(currentId);
    }

    public Kek byId(String id) {
        return known.computeIfAbsent(id, make);
    }

    @Override
    public void close() {
        for (Kek k : known.values()) if (k instanceof AwsKmsKek kms) kms.close();
    }
}
