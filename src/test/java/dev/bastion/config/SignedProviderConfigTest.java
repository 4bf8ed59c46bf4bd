package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bedrock's and Vertex's deployment fields and the upstream credentials they use: each where it belongs, and only there. */
class SignedProviderConfigTest {
    static final String BASE = """
            listeners:
              public: { port: 8080 }
            upstreams:
              bedrock:
                url: https://bedrock-runtime.us-east-1.amazonaws.com
                kind: ai
                aws_credentials: { access_key_id: env:AWS_ACCESS_KEY_ID, secret_access_key: env:AWS_SECRET_ACCESS_KEY, session_token: env:AWS_SESSION_TOKEN }
              openai:
                url: https://api.openai.com
                api_key: env:OPENAI_API_KEY
            routes:
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                auth: { methods: [api_key] }
                llm: chat
            models:
              claude:
                deployments:
            """;

    static BastionConfig parse(String deployments) {
        return new ConfigLoader().parse(BASE + deployments, "t.yaml");
    }

    @Test
    void aBedrockDeploymentNamesItsRegionAndItsUpstreamHoldsTheCredentials() {
        BastionConfig c = parse("      - { upstream: bedrock, provider: bedrock, model: \"anthropic.claude-3-5-haiku-20241022-v1:0\", region: us-east-1 }\n");
        ModelConfig.Deployment d = c.models().get("claude").deployments().get(0);
        assertThat(d.provider()).isEqualTo(ModelConfig.Provider.BEDROCK);
        assertThat(d.region()).isEqualTo("us-east-1");
        AwsCredentialsConfig aws = c.upstreams().get("bedrock").awsCredentials();
        assertThat(aws.accessKeyId()).isEqualTo(SecretRef.parse("env:AWS_ACCESS_KEY_ID"));
        assertThat(aws.sessionToken()).isEqualTo(SecretRef.parse("env:AWS_SESSION_TOKEN"));
        assertThat(c.upstreams().get("bedrock").deploymentAuth()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            bedrock without region    | { upstream: bedrock, provider: bedrock }                                 | region: missing
            not a region              | { upstream: bedrock, provider: bedrock, region: US_EAST }                | 'US_EAST' is not an AWS region
            region on openai          | { upstream: openai, region: us-east-1 }                                  | region: only for provider bedrock
            project on bedrock        | { upstream: bedrock, provider: bedrock, region: us-east-1, project: my-project-1 } | project: only for provider vertex
            location on anthropic     | { upstream: openai, provider: anthropic, location: us-central1 }        | location: only for provider vertex
            vertex without project    | { upstream: openai, provider: vertex, location: us-central1 }           | project: missing
            vertex without location   | { upstream: openai, provider: vertex, project: my-project-1 }           | location: missing
            bad project id            | { upstream: openai, provider: vertex, project: P, location: us-central1 } | is not a Google Cloud project id
            region of another endpoint| { upstream: bedrock, provider: bedrock, region: eu-west-1 }               | region: 'eu-west-1' but upstream 'bedrock' is the endpoint of us-east-1
            bedrock on a keyed upstream | { upstream: openai, provider: bedrock, region: us-east-1 }             | has no aws_credentials
            aws credentials for openai| { upstream: bedrock }                                                    | which only bedrock deployments use
            """)
    void fieldsThatDoNotBelongAreRefusedWithTheReason(String name, String deployment, String expected) {
        assertThatThrownBy(() -> parse("      - " + deployment + "\n")).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void anUpstreamHasOneCredential() {
        String yaml = BASE.replace("    aws_credentials:", "    api_key: env:X\n    aws_credentials:")
                + "      - { upstream: bedrock, provider: bedrock, region: us-east-1 }\n";
        assertThatThrownBy(() -> new ConfigLoader().parse(yaml, "t.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("one credential");
        String noSecret = BASE.replace(", secret_access_key: env:AWS_SECRET_ACCESS_KEY", "") + "      - { upstream: bedrock, provider: bedrock, region: us-east-1 }\n";
        assertThatThrownBy(() -> new ConfigLoader().parse(noSecret, "t.yaml")).hasMessageContaining("secret_access_key: missing");
    }

    @Test
    void aRouteCannotSendToAnUpstreamThatAuthenticatesPerDeployment() {
        String yaml = BASE.replace("    llm: chat\n", "    upstream: bedrock\n") + "      - { upstream: openai }\n";
        assertThatThrownBy(() -> new ConfigLoader().parse(yaml, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("authenticates per model deployment");
    }

    @Test
    void vertexNeedsItsServiceAccountAndTheEndpointsLocation() {
        String vertexUpstream = "  vertex:\n    url: https://us-central1-aiplatform.googleapis.com\n    kind: ai\n"
                + "    google_service_account_key: file:/etc/bastion/sa.json\n  openai:\n";
        String ok = BASE.replace("  openai:\n", vertexUpstream)
                + "      - { upstream: vertex, provider: vertex, model: gemini-2.5-flash, project: my-project-1, location: us-central1 }\n";
        assertThat(new ConfigLoader().parse(ok, "t.yaml").models().get("claude").deployments().getLast().project()).isEqualTo("my-project-1");
        String otherLocation = ok.replace("location: us-central1", "location: europe-west4");
        assertThatThrownBy(() -> new ConfigLoader().parse(otherLocation, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is the endpoint of us-central1");
        String noAccount = BASE + "      - { upstream: openai, provider: vertex, model: gemini-2.5-flash, project: my-project-1, location: us-central1 }\n";
        assertThatThrownBy(() -> new ConfigLoader().parse(noAccount, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no google_service_account_key");
    }
}
