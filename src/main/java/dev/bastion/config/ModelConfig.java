package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One public model of the catalogue (U1): the name clients send, served by one or more deployments.
 *
 * @param deployments where the model runs; a request goes to one of them, chosen by {@code balance}
 * @param balance     how a request's first deployment is chosen: {@code weighted} (default) or {@code least_in_flight}
 * @param fallbacks   other public models tried, in order, when every deployment of this one failed (U3)
 */
public record ModelConfig(List<Deployment> deployments, Balance balance, List<String> fallbacks) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,127}");

    public ModelConfig {
        if (deployments == null || deployments.isEmpty()) throw new IllegalArgumentException("deployments: at least one");
        deployments = List.copyOf(deployments);
        balance = balance == null ? Balance.WEIGHTED : balance;
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    /** How the first deployment of a request is chosen among the healthy ones (breaker not open). */
    public enum Balance {
        /** At random, in proportion to the weights. */
        @JsonProperty("weighted") WEIGHTED,
        /** The one with the fewest requests in flight for its weight (ties: by weight). */
        @JsonProperty("least_in_flight") LEAST_IN_FLIGHT
    }

    /** The wire format a deployment's upstream speaks. */
    public enum Provider {
        /** OpenAI's chat completions, and every server that speaks it (vLLM, Ollama, Mistral, Groq…). */
        @JsonProperty("openai") OPENAI,
        /** Anthropic's Messages API. */
        @JsonProperty("anthropic") ANTHROPIC,
        /** Azure OpenAI: OpenAI's chat completions under a deployment path, with an {@code api-version}. */
        @JsonProperty("azure") AZURE,
        /** Google's Gemini API ({@code generateContent}), with an API key. */
        @JsonProperty("gemini") GEMINI
    }

    /**
     * @param upstream the upstream (its URL, key and timeouts) that serves this deployment
     * @param provider its wire format; default {@code openai}
     * @param model    the provider's name for the model; default: the public name
     * @param weight   share of the model's requests among its deployments; default 1
     * @param apiVersion Azure's {@code api-version} query parameter: required for {@code azure}, refused for the others
     */
    public record Deployment(String upstream, Provider provider, String model, Integer weight, String apiVersion) {
        /** Azure's versions: {@code 2024-10-21}, {@code 2025-01-01-preview}, {@code preview}; sent in the query as they are. */
        static final Pattern API_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,31}");
        /** Names that go into a URL path: an Azure deployment name; a Gemini model, or its resource name. */
        static final Pattern AZURE_DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
        static final Pattern GEMINI_MODEL = Pattern.compile("(models/|tunedModels/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

        public Deployment(String upstream, Provider provider, String model, Integer weight) {
            this(upstream, provider, model, weight, null);
        }

        public Deployment {
            if (upstream == null || upstream.isBlank()) throw new IllegalArgumentException("upstream: missing");
            provider = provider == null ? Provider.OPENAI : provider;
            if (model != null && !NAME.matcher(model).matches()) throw new IllegalArgumentException("model: '" + model + "' is not a model name");
            weight = weight == null ? 1 : weight;
            if (weight < 1 || weight > 1000) throw new IllegalArgumentException("weight: " + weight + " (expected: 1 to 1000)");
            if (model != null && provider == Provider.AZURE && !AZURE_DEPLOYMENT.matcher(model).matches()) {
                throw new IllegalArgumentException("model: '" + model + "' is not an Azure deployment name (letters, digits, _ . -)");
            }
            if (model != null && provider == Provider.GEMINI && !GEMINI_MODEL.matcher(model).matches()) {
                throw new IllegalArgumentException("model: '" + model + "' is not a Gemini model name (e.g. gemini-2.5-flash or tunedModels/NAME)");
            }
            if (provider == Provider.AZURE) {
                if (apiVersion == null) throw new IllegalArgumentException("api_version: missing (an azure deployment needs one, e.g. 2024-10-21)");
                if (!API_VERSION.matcher(apiVersion).matches()) throw new IllegalArgumentException("api_version: '" + apiVersion + "' is not an API version (e.g. 2024-10-21)");
            } else if (apiVersion != null) {
                throw new IllegalArgumentException("api_version: only for provider azure");
            }
        }
    }
}
