package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Azure OpenAI ({@code POST /openai/deployments/{deployment}/chat/completions?api-version=…}): OpenAI's
 * chat format under a deployment path. The deployment's {@code model} is the Azure deployment name; the key
 * goes as {@code api-key} (the upstream's {@code api_key_header: api-key}) or as an Entra ID bearer token.
 * <p>
 * <b>Requests</b> go as the controls left them, without {@code model}: Azure's request body has no such
 * field (the deployment in the path names the model); {@code safety_identifier} goes as {@code user}, which every
 * API version takes. Nothing is refused here; what a deployment's API
 * version does not know, Azure answers 400 for, and that error reaches the client in OpenAI's shape.
 * <p>
 * <b>Answers</b> are OpenAI's, less Azure's additions: {@code prompt_filter_results} and each choice's
 * {@code content_filter_results} are removed, a stream's first chunk that carries only the prompt's filter
 * results (its {@code choices} empty, which breaks a client that reads {@code choices[0]}) is not sent, and
 * the {@code model} is the deployment's name, as for every provider. A filtered answer keeps Azure's
 * {@code finish_reason: content_filter}, OpenAI's own value. Errors ({@code {"error":{"code","message",
 * "param","type","status","innererror"}}}) become OpenAI's {@code {"error":{"message","type","param","code"}}}:
 * a prompt refused by the content filter is a 400 with {@code code: content_filter}, the filter's details
 * ({@code innererror}) are not carried.
 */
public final class AzureChatProvider implements ChatProvider {
    private final String apiVersion;

    public AzureChatProvider(String apiVersion) {
        if (apiVersion == null || apiVersion.isBlank()) throw new IllegalArgumentException("api_version: missing");
        this.apiVersion = apiVersion;
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public String path(String model, boolean stream) {
        return "/openai/deployments/" + pathSegment(model) + "/chat/completions?api-version=" + pathSegment(apiVersion);
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        openAiChat.remove("model");
        // Azure has long taken 'user'; 'safety_identifier' only in recent API versions, which older ones refuse (400)
        JsonNode endUser = openAiChat.remove("safety_identifier");
        if (endUser != null && !openAiChat.has("user")) openAiChat.set("user", endUser);
        return Buffer.buffer(openAiChat.toString());
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        JsonNode root = parse(body);
        if (status < 200 || status > 299) return Buffer.buffer(error(status, root).toString());
        if (!(root instanceof ObjectNode out) || !out.path("choices").isArray()) {
            throw new UnreadableAnswer("The upstream's answer could not be read as a chat completion.");
        }
        out.remove("prompt_filter_results");
        out.put("model", model);
        for (JsonNode choice : out.get("choices")) {
            if (!(choice instanceof ObjectNode c)) continue;
            c.remove("content_filter_results");
            // A filtered answer may come without content; OpenAI's clients read the field.
            if (c.get("message") instanceof ObjectNode m && !m.has("content")) m.putNull("content");
        }
        return Buffer.buffer(out.toString());
    }

    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return new AzureStream(model, usageChunk);
    }

    /** Azure's error body as OpenAI's; never the raw bytes, never the filter's details. */
    static ObjectNode error(int status, JsonNode root) {
        JsonNode e = root == null ? null : root.get("error");
        if (e == null || !e.isObject() || !e.path("message").isTextual()) {
            return AnthropicChatProvider.errorBody("The upstream answered with status " + status + " and no error it could explain.", "upstream_error");
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode err = out.putObject("error").put("message", e.get("message").asText());
        String type = e.path("type").asText("");
        err.put("type", type.isBlank() ? errorType(status) : AnthropicRequest.shown(type));
        if (e.path("param").isTextual()) err.put("param", e.get("param").asText());
        else err.putNull("param");
        // Azure's codes are names (content_filter, DeploymentNotFound) or the status again ("429"): only names are codes.
        String code = e.path("code").asText("");
        if (!code.isEmpty() && !code.chars().allMatch(Character::isDigit) && AnthropicRequest.shown(code).equals(code)) err.put("code", code);
        else err.putNull("code");
        return out;
    }

    /** OpenAI's error type for a status the provider gave no type for. */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : status >= 400 ? "invalid_request_error" : "upstream_error";
        };
    }

    /** A name as one URL path segment (or query value): unreserved characters as they are, the rest percent-encoded. */
    static String pathSegment(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') sb.append(c);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return sb.toString();
    }

    static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) return null;
        try {
            return JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
