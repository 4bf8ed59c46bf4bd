package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One public model of the catalogue (U1): the name clients send, served by one or more deployments.
 *
 * @param deployments where the model runs; a request goes to one of them, chosen by weight
 */
public record ModelConfig(List<Deployment> deployments) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,127}");

    public ModelConfig {
        if (deployments == null || deployments.isEmpty()) throw new IllegalArgumentException("deployments: at least one");
        deployments = List.copyOf(deployments);
    }

    /** The wire format a deployment's upstream speaks. */
    public enum Provider {
        /** OpenAI's chat completions, and every server that speaks it (vLLM, Ollama, Mistral, Groq…). */
        @JsonProperty("openai") OPENAI,
        /** Anthropic's Messages API. */
        @JsonProperty("anthropic") ANTHROPIC,
        /** AWS Bedrock's Converse API, signed with SigV4 (the upstream's {@code aws_credentials}, the deployment's {@code region}). */
        @JsonProperty("bedrock") BEDROCK,
        /** Gemini models on Google Vertex AI, with an OAuth2 token from the upstream's {@code google_service_account_key}. */
        @JsonProperty("vertex") VERTEX
    }

    /**
     * @param upstream the upstream (its URL, key and timeouts) that serves this deployment
     * @param provider its wire format; default {@code openai}
     * @param model    the provider's name for the model; default: the public name
     * @param weight   share of the model's requests among its deployments; default 1
     * @param region   {@code bedrock} only, and required there: the AWS region the requests are signed for
     *                 ({@code us-east-1}); the upstream's URL must be that region's endpoint
     * @param project  {@code vertex} only, and required there: the Google Cloud project id in the request path
     * @param location {@code vertex} only, and required there: the Vertex location ({@code us-central1}, {@code global})
     */
    public record Deployment(String upstream, Provider provider, String model, Integer weight, String region, String project, String location) {
        static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
        /** Google Cloud project ids: 6 to 30 lower-case letters, digits and hyphens, starting with a letter. */
        static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");
        static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9-]{1,30}");

        public Deployment(String upstream, Provider provider, String model, Integer weight) {
            this(upstream, provider, model, weight, null, null, null);
        }

        public Deployment {
            if (upstream == null || upstream.isBlank()) throw new IllegalArgumentException("upstream: missing");
            provider = provider == null ? Provider.OPENAI : provider;
            if (model != null && !NAME.matcher(model).matches()) throw new IllegalArgumentException("model: '" + model + "' is not a model name");
            weight = weight == null ? 1 : weight;
            if (weight < 1 || weight > 1000) throw new IllegalArgumentException("weight: " + weight + " (expected: 1 to 1000)");
            // Each provider's own settings, and only its: a field another provider reads would be silently ignored.
            if (provider == Provider.BEDROCK) {
                if (region == null) throw new IllegalArgumentException("region: missing (a bedrock deployment is signed for one AWS region, e.g. us-east-1)");
                if (!REGION.matcher(region).matches()) throw new IllegalArgumentException("region: '" + region + "' is not an AWS region (e.g. us-east-1)");
            } else if (region != null) {
                throw new IllegalArgumentException("region: only for provider bedrock");
            }
            if (provider == Provider.VERTEX) {
                if (project == null) throw new IllegalArgumentException("project: missing (a vertex deployment names its Google Cloud project)");
                if (!PROJECT.matcher(project).matches()) throw new IllegalArgumentException("project: '" + project + "' is not a Google Cloud project id");
                if (location == null) throw new IllegalArgumentException("location: missing (a vertex deployment names its location, e.g. us-central1)");
                if (!LOCATION.matcher(location).matches()) throw new IllegalArgumentException("location: '" + location + "' is not a Vertex location (e.g. us-central1)");
            } else {
                if (project != null) throw new IllegalArgumentException("project: only for provider vertex");
                if (location != null) throw new IllegalArgumentException("location: only for provider vertex");
            }
        }
    }
}
