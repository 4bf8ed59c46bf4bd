package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * AWS Bedrock's Converse API ({@code POST /model/{modelId}/converse}, streams at {@code /converse-stream}
 * in AWS's binary event-stream framing) behind the OpenAI chat format. The request is signed with SigV4
 * by the deployment's {@code RequestAuth}, not here: this class is the wire format only.
 * <p>
 * <b>Requests.</b> System and developer messages become {@code system} text blocks, in order. User and
 * assistant messages keep their order, consecutive messages of one role merged into one turn (Converse
 * requires the roles to alternate); {@code tool} messages become {@code toolResult} blocks of a user turn.
 * Content: text; images as base64 {@code data:} URLs (PNG, JPEG, GIF, WebP) as {@code image} bytes; PDFs
 * given inline as {@code file.file_data} as {@code document} bytes, named after the file. Assistant
 * {@code tool_calls} become {@code toolUse} blocks (arguments must be a JSON object; blank ones are taken as
 * {@code {}}). Tools become {@code toolConfig.tools[].toolSpec} ({@code inputSchema.json} is the function's
 * parameters); {@code tool_choice} auto → {@code auto}, required → {@code any}, a named function →
 * {@code tool}, none → the tools left out. {@code inferenceConfig}: {@code max_completion_tokens} /
 * {@code max_tokens} → {@code maxTokens}, {@code temperature} (0 to 1 only), {@code top_p} → {@code topP},
 * {@code stop} → {@code stopSequences}. The model is in the path (URI-encoded: Bedrock ids hold {@code :}).
 * <p>
 * <b>Refused</b> ({@link UntranslatableRequest}): images by http(s) URL (Converse fetches none but from S3,
 * and Bastion never fetches for a client), other media types, OpenAI file ids, audio in or out,
 * {@code n} other than 1, {@code logprobs}, {@code top_logprobs}, {@code response_format} json_object and
 * json_schema, {@code parallel_tool_calls: false}, {@code tool_choice: none} once the conversation holds tool
 * calls (Converse then requires the tools and has no "none"), strict tool schemas, the legacy
 * {@code functions}, {@code temperature} above 1, and every field not named here.
 * <p>
 * <b>Dropped</b>: {@code stream} (the path says it), {@code stream_options} (Converse always reports usage;
 * {@code include_usage} decides the usage chunk), {@code seed}, {@code presence_penalty},
 * {@code frequency_penalty}, {@code store}, {@code metadata}, {@code prediction}, {@code service_tier},
 * {@code prompt_cache_key}, {@code user} and {@code safety_identifier} (Converse takes no end-user id), a
 * message's {@code name}, an image's {@code detail}.
 * <p>
 * <b>Answers.</b> Text blocks joined, {@code toolUse} blocks as tool calls (their ids kept); reasoning and
 * other blocks are not carried. Stop reasons: end_turn, stop_sequence → stop; max_tokens,
 * model_context_window_exceeded → length; tool_use → tool_calls; guardrail_intervened, content_filtered →
 * content_filter. Usage: the prompt counts input tokens and cache reads and writes ({@code cached_tokens} =
 * reads). Errors ({@code {"message"}} with the exception's name in {@code x-amzn-ErrorType}) become OpenAI's
 * shape, the status kept.
 */
public final class BedrockChatProvider implements ChatProvider {
    /** The SigV4 service name of {@code bedrock-runtime}. */
    public static final String SIGNING_SERVICE = "bedrock";
    public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public String path(String model, boolean stream) {
        return "/model/" + pathSegment(model) + (stream ? "/converse-stream" : "/converse");
    }

    @Override
    public void headers(MultiMap headers, boolean stream) {
        headers.set("Accept", stream ? EVENT_STREAM : "application/json");
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        return Buffer.buffer(BedrockRequest.translate(openAiChat).toString());
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        return answer(status, MultiMap.caseInsensitiveMultiMap(), body, model);
    }

    @Override
    public Buffer answer(int status, MultiMap headers, Buffer body, String model) {
        JsonNode root = parse(body);
        if (status < 200 || status > 299) return Buffer.buffer(error(status, headers.get("x-amzn-ErrorType"), root).toString());
        JsonNode content = root == null ? null : root.path("output").path("message").path("content");
        if (content == null || !content.isArray()) {
            throw new UnreadableAnswer("The upstream's answer could not be read as a Converse answer.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + UUID.randomUUID()).put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", model);
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = null;
        ArrayNode calls = null;
        for (JsonNode block : content) {
            if (block.path("text").isTextual()) {
                if (text == null) text = new StringBuilder();
                text.append(block.get("text").asText());
            } else if (block.path("toolUse").isObject()) {
                JsonNode use = block.get("toolUse");
                if (calls == null) calls = JSON.createArrayNode();
                ObjectNode call = calls.addObject().put("id", use.path("toolUseId").asText("")).put("type", "function");
                call.putObject("function").put("name", use.path("name").asText(""))
                        .put("arguments", use.path("input").isObject() ? use.get("input").toString() : "{}");
            } // reasoning and others: not carried
        }
        message.put("content", text == null ? null : text.toString());
        if (calls != null) message.set("tool_calls", calls);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(root.path("stopReason").asText(null)));
        out.set("usage", usage(root.path("usage")));
        return Buffer.buffer(out.toString());
    }

    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return new BedrockStream(model, usageChunk);
    }

    /** A model id as one path segment: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded, as AWS's SDKs send it. */
    static String pathSegment(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') sb.append((char) c);
            else sb.append('%').append(String.format("%02X", c));
        }
        return sb.toString();
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) return "stop";
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence
        };
    }

    /** OpenAI usage from Converse's: input tokens do not include cache reads and writes; the prompt does. */
    static ObjectNode usage(JsonNode u) {
        long read = u.path("cacheReadInputTokens").asLong(0);
        long prompt = u.path("inputTokens").asLong(0) + read + u.path("cacheWriteInputTokens").asLong(0);
        return AnthropicChatProvider.usage(prompt, read, u.path("outputTokens").asLong(0));
    }

    /**
     * A Bedrock error as OpenAI's: the message Bedrock gave, a type by the exception's name (from
     * {@code x-amzn-ErrorType}, {@code ValidationException:http://…}, or the body's {@code __type}), the name as
     * the code. Never the raw bytes.
     */
    static ObjectNode error(int status, String errorTypeHeader, JsonNode root) {
        String exception = exceptionName(errorTypeHeader);
        if (exception == null && root != null) exception = exceptionName(root.path("__type").asText(null));
        String message = root == null ? null : root.path("message").isTextual() ? root.get("message").asText()
                : root.path("Message").isTextual() ? root.get("Message").asText() : null;
        if (message == null) message = "The upstream answered with status " + status + (exception == null ? "" : " (" + exception + ")") + ".";
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error").put("message", message).put("type", errorType(exception, status)).putNull("param");
        if (exception != null) e.put("code", snake(exception));
        else e.putNull("code");
        return out;
    }

    /** {@code ThrottlingException} from {@code ThrottlingException:http://internal.amazon.com/…} or {@code com.amazon…#ThrottlingException}. */
    static String exceptionName(String raw) {
        if (raw == null || raw.isBlank()) return null;
        String name = raw.split(":", 2)[0];
        int hash = name.lastIndexOf('#');
        if (hash >= 0) name = name.substring(hash + 1);
        name = name.trim();
        return name.matches("[A-Za-z][A-Za-z0-9]{0,63}") ? name : null;
    }

    static String errorType(String exception, int status) {
        if (exception != null) {
            switch (exception) {
                case "ValidationException", "ResourceNotFoundException", "ModelNotReadyException" -> {
                    return "invalid_request_error";
                }
                case "AccessDeniedException" -> {
                    return "permission_error";
                }
                case "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException", "IncompleteSignatureException",
                     "ExpiredTokenException" -> {
                    return "authentication_error";
                }
                case "ThrottlingException", "ServiceQuotaExceededException" -> {
                    return "rate_limit_error";
                }
                case "ModelTimeoutException", "InternalServerException", "ServiceUnavailableException", "ModelErrorException",
                     "ModelStreamErrorException" -> {
                    return "server_error";
                }
                default -> {}
            }
        }
        if (status == 429) return "rate_limit_error";
        if (status == 401) return "authentication_error";
        if (status == 403) return "permission_error";
        return status >= 500 || status == 408 || status == 424 ? "server_error" : "invalid_request_error";
    }

    /** {@code ThrottlingException} → {@code throttling_exception}: OpenAI's codes are snake case. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
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
