package dev.bastion.cli;

import dev.bastion.config.SecretRef;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.secrets.SecretResolver;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion mock-llm}: an OpenAI-compatible mock model provider (Anthropic's Messages API, Azure OpenAI's
 * deployment paths, Gemini's generateContent, Vertex and Bedrock's Converse too) for demos, tests and benchmarks.
 */
@Command(name = "mock-llm", description = "Run an OpenAI-compatible mock model server (also serving Anthropic's /v1/messages, "
        + "Azure OpenAI's /openai/deployments/…, Gemini's /v1beta/models/…, Vertex's /v1/projects/… and Bedrock's Converse).",
        mixinStandardHelpOptions = true)
public final class MockLlmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "8081", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--api-key", paramLabel = "REF", description = "Require this provider key (env:NAME or file:PATH); default: accept any caller.")
    String apiKey;
    @Option(names = "--chunk-delay-ms", defaultValue = "40", description = "Pause between streamed chunks (default: ${DEFAULT-VALUE}).")
    long chunkDelayMs;
    @Option(names = "--fill-max-tokens", description = "Make every reply exactly max_tokens long when the request names one (for budget tests).")
    boolean fillMaxTokens;
    @Option(names = "--fault", paramLabel = "KIND[:N]", description = "Fail every chat request this way: "
            + "status:CODE, context_length, content_filter, reset, no_response, slow_first_token:MS, cut_after:WORDS, stall_after:WORDS, "
            + "malformed_after:WORDS, no_done, reject_prefill, unreadable (a 200 that is no answer). More at run time over POST /_mock/faults.")
    String faultSpec;
    @Option(names = "--instances", defaultValue = "1", description = "Event loops serving requests (default: ${DEFAULT-VALUE}).")
    int instances;
    @Option(names = "--aws-access-key-id", paramLabel = "ID", description = "Bedrock's paths verify SigV4 signatures made with this access key id (with --aws-secret-access-key).")
    String awsAccessKeyId;
    @Option(names = "--aws-secret-access-key", paramLabel = "REF", description = "The secret access key Bedrock's signatures are verified with (env:NAME or file:PATH).")
    String awsSecretAccessKey;
    @Option(names = "--aws-region", defaultValue = "us-east-1", description = "The region Bedrock's signatures must be scoped to (default: ${DEFAULT-VALUE}).")
    String awsRegion;

    @Override
    public Integer call() throws Exception {
        String key = apiKey == null ? null : new SecretResolver().resolve(SecretRef.parse(apiKey), "--api-key").reveal();
        if ((awsAccessKeyId == null) != (awsSecretAccessKey == null)) throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--aws-access-key-id and --aws-secret-access-key go together");
        String awsSecret = awsSecretAccessKey == null ? null : new SecretResolver().resolve(SecretRef.parse(awsSecretAccessKey), "--aws-secret-access-key").reveal();
        Vertx vertx = GatewayRunner.newVertx();
        dev.bastion.mock.MockFaults faults = new dev.bastion.mock.MockFaults();
        if (faultSpec != null) {
            try {
                faults.add(dev.bastion.mock.MockFaults.Fault.parse(faultSpec));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--fault " + faultSpec + ": unknown fault (see --help)");
            }
        }
        int bound = -1;
        for (int i = 0; i < Math.max(1, instances); i++) {
            // Servers on one port are load-balanced across event loops by Vert.x.
            MockLlmServer server = new MockLlmServer(vertx, host, bound < 0 ? port : bound, key, chunkDelayMs).fillMaxTokens(fillMaxTokens).faults(faults);
            if (awsSecret != null) server.bedrock(awsAccessKeyId, awsSecret, null, awsRegion);
            vertx.deployVerticle(new io.vertx.core.VerticleBase() {
                @Override
                public io.vertx.core.Future<?> start() {
                    return server.start();
                }
            }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            bound = server.port();
        }
        spec.commandLine().getErr().println("mock-llm listening on http://" + host + ":" + bound + (key == null ? " (no key required)" : " (provider key required)"));
        spec.commandLine().getErr().flush();
        GatewayRunner.awaitShutdown(vertx);
        return 0;
    }
}
