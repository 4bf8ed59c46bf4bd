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
 * @param tiers       the plans ({@code limits.tiers}) whose callers may use this model; empty: every caller
 */
public record ModelConfig(List<Deployment> deployments, Balance balance, List<String> fallbacks, List<String> tiers) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,127}");

    public ModelConfig {
        if (deployments == null || deployments.isEmpty()) throw new IllegalArgumentException("deployments: at least one");
        deployments = List.copyOf(deployments);
        balance = balance == null ? Balance.WEIGHTED : balance;
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
    }

    /** Whether a caller on this plan (null: none) may use the model. */
    public boolean inPlan(String tier) {
        return tiers.isEmpty() || (tier != null && tiers.contains(tier));
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
        @JsonProperty("gemini") GEMINI,
        /** AWS Bedrock's Converse API, signed with SigV4 (the upstream's {@code aws_credentials}, the deployment's {@code region}). */
        @JsonProperty("bedrock") BEDROCK,
        /** Gemini models on Google Vertex AI, with an OAuth2 token from the upstream's {@code google_service_account_key}. */
        @JsonProperty("vertex") VERTEX;

        /** Whether the provider has an embeddings API Bastion translates to (Anthropic has none). */
        public boolean hasEmbeddingsApi() {
            return this != ANTHROPIC;
        }
    }

    /**
     * @param upstream the upstream (its URL, key and timeouts) that serves this deployment
     * @param provider its wire format; default {@code openai}
     * @param model    the provider's name for the model; default: the public name
     * @param weight   share of the model's requests among its deployments; default 1
     * @param apiVersion Azure's {@code api-version} query parameter: required for {@code azure}, refused for the others
     * @param region   {@code bedrock} only, and required there: the AWS region the requests are signed for
     *                 ({@code us-east-1}); the upstream's URL must be that region's endpoint
     * @param project  {@code vertex} only, and required there: the Google Cloud project id in the request path
     * @param location {@code vertex} only, and required there: the Vertex location ({@code us-central1}, {@code global})
     * @param price    what this deployment's tokens cost, per million (as {@code budgets.prices}); budgets use it for
     *                 requests this deployment serves, the price table's entry for the public name otherwise
     */
    public record Deployment(String upstream, Provider provider, String model, Integer weight, String apiVersion,
                             String region, String project, String location, BudgetsConfig.Price price) {
        /** Azure's versions: {@code 2024-10-21}, {@code 2025-01-01-preview}, {@code preview}; sent in the query as they are. */
        static final Pattern API_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,31}");
        /** Names that go into a URL path: an Azure deployment name; a Gemini model, or its resource name. */
        static final Pattern AZURE_DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
        static final Pattern GEMINI_MODEL = Pattern.compile("(models/|tunedModels/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
        static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
        /** Google Cloud project ids: 6 to 30 lower-case letters, digits and hyphens, starting with a letter. */
        static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");
        static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9-]{1,30}");

        public Deployment(String upstream, Provider provider, String model, Integer weight) {
            this(upstream, provider, model, weight, null, null, null, null, null);
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
            if (model != null && (provider == Provider.GEMINI || provider == Provider.VERTEX) && !GEMINI_MODEL.matcher(model).matches()) {
                throw new IllegalArgumentException("model: '" + model + "' is not a Gemini model name (e.g. gemini-2.5-flash or tunedModels/NAME)");
            }
            if (provider == Provider.AZURE) {
                if (apiVersion == null) throw new IllegalArgumentException("api_version: missing (an azure deployment needs one, e.g. 2024-10-21)");
                if (!API_VERSION.matcher(apiVersion).matches()) throw new IllegalArgumentException("api_version: '" + apiVersion + "' is not an API version (e.g. 2024-10-21)");
            } else if (apiVersion != null) {
                throw new IllegalArgumentException("api_version: only for provider azure");
            }
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
