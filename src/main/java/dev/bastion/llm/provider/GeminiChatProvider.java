package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.UUID;

/**
 * Google's Gemini API with an API key ({@code POST /v1beta/models/{model}:generateContent}, streams at
 * {@code :streamGenerateContent?alt=sse}; the key as {@code x-goog-api-key}) behind the OpenAI chat format.
 * <p>
 * <b>Requests.</b> System and developer messages become {@code systemInstruction} (one text part each, in
 * order). User and assistant messages become {@code contents} with the roles {@code user} and
 * {@code model}, consecutive turns of one role merged; {@code tool} messages become {@code functionResponse}
 * parts of a user turn, named after the function of the assistant's tool call they answer (Gemini pairs
 * calls and results by name, not by OpenAI's ids), the result as {@code {"output": text}}. Assistant
 * {@code tool_calls} become {@code functionCall} parts (arguments must be a JSON object); the first call of
 * each model turn carries Google's documented {@code skip_thought_signature_validator}, since an OpenAI
 * client cannot keep Gemini 3's thought signatures and those models refuse a call in the history without
 * one. Content: text; images as base64 {@code data:} URLs (PNG, JPEG, WebP, HEIC, HEIF) and {@code file_data}
 * (PDF, plain text, images) as {@code inlineData}; {@code input_audio} (wav, mp3) as {@code inlineData}.
 * Tools become {@code functionDeclarations} with their JSON schema as Gemini's schema subset
 * ({@link GeminiRequest#schema}); {@code tool_choice} auto, none, required → {@code AUTO}, {@code NONE},
 * {@code ANY}, a named function → {@code ANY} with that one allowed. {@code generationConfig}:
 * {@code max_completion_tokens} / {@code max_tokens} → {@code maxOutputTokens}, {@code temperature},
 * {@code top_p} → {@code topP}, {@code stop} → {@code stopSequences}, {@code n} → {@code candidateCount}
 * (not in a stream), {@code seed}, {@code presence_penalty}, {@code frequency_penalty},
 * {@code response_format} json_object → {@code responseMimeType: application/json}, json_schema → the same
 * with {@code responseSchema}.
 * <p>
 * <b>Refused</b> ({@link UntranslatableRequest}): images by http(s) URL (Gemini does not fetch them and
 * neither does Bastion), other media types, OpenAI file ids, {@code logprobs}, {@code top_logprobs}, audio
 * out, the legacy {@code functions}, strict tool schemas, {@code parallel_tool_calls: false} (Gemini has no
 * such switch), schema features outside Gemini's subset, {@code n} above 8 or in a stream, and every field
 * not named here.
 * <p>
 * <b>Dropped</b>: {@code stream_options} (Gemini always reports usage; {@code include_usage} decides the
 * usage chunk), {@code store}, {@code metadata}, {@code prediction}, {@code service_tier},
 * {@code prompt_cache_key}, {@code user} and {@code safety_identifier} (Gemini takes no end-user id), a
 * message's {@code name}, an image's {@code detail}, a file's {@code filename}.
 * <p>
 * <b>Answers.</b> Each candidate is a choice: text parts joined (thought parts left out), {@code functionCall}
 * parts as tool calls — their id Gemini's when it gives one, else {@code call_} and the response's id and a
 * number, so the next request's tool results can name them. Finish reasons: STOP → stop (tool_calls when it
 * called a function), MAX_TOKENS → length, SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII,
 * IMAGE_SAFETY → content_filter, others → stop. A prompt blocked before any candidate
 * ({@code promptFeedback.blockReason}) is an answer without content, finished by content_filter. Usage: the
 * prompt counts {@code promptTokenCount} and tool-use prompt tokens, {@code cached_tokens} is
 * {@code cachedContentTokenCount}, the completion counts candidate and thought tokens (the latter also as
 * {@code reasoning_tokens}). Thought signatures in answers are not carried. Errors
 * ({@code {"error":{"code","message","status"}}}) become OpenAI's shape, the status kept (429 stays 429).
 */
public final class GeminiChatProvider implements ChatProvider {
    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public String path(String model, boolean stream) {
        return "/v1beta/" + resource(model) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    /** {@code models/NAME}, or the resource name the config gave ({@code tunedModels/NAME}). */
    static String resource(String model) {
        int slash = model.indexOf('/');
        if (slash > 0 && (model.startsWith("models/") || model.startsWith("tunedModels/"))) {
            return model.substring(0, slash + 1) + AzureChatProvider.pathSegment(model.substring(slash + 1));
        }
        return "models/" + AzureChatProvider.pathSegment(model);
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        return Buffer.buffer(GeminiRequest.translate(openAiChat).toString());
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        JsonNode root = AzureChatProvider.parse(body);
        if (status < 200 || status > 299) return Buffer.buffer(error(status, root).toString());
        if (root == null || !root.isObject() || !(root.path("candidates").isArray() || root.path("promptFeedback").isObject())) {
            throw new UnreadableAnswer("The upstream's answer could not be read as a Gemini answer.");
        }
        String idBase = idBase(root.path("responseId").asText(""));
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + idBase).put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", model);
        ArrayNode choices = out.putArray("choices");
        JsonNode candidates = root.path("candidates");
        int calls = 0;
        if (candidates.isEmpty()) {
            // Blocked before an answer: nothing said, and the client told why as OpenAI says it.
            ObjectNode choice = choices.addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").putNull("content").putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", "content_filter");
        }
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode c = candidates.get(i);
            ObjectNode choice = choices.addObject().put("index", c.path("index").asInt(i));
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            StringBuilder text = null;
            ArrayNode toolCalls = null;
            for (JsonNode part : c.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) continue;
                if (part.path("text").isTextual()) {
                    if (text == null) text = new StringBuilder();
                    text.append(part.get("text").asText());
                } else if (part.path("functionCall").isObject()) {
                    if (toolCalls == null) toolCalls = JSON.createArrayNode();
                    toolCalls.add(toolCall(part.get("functionCall"), idBase, calls++));
                }
            }
            message.put("content", text == null ? null : text.toString());
            if (toolCalls != null) message.set("tool_calls", toolCalls);
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason(c.path("finishReason").asText(null), toolCalls != null));
        }
        out.set("usage", usage(root.path("usageMetadata")));
        return Buffer.buffer(out.toString());
    }

    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return new GeminiStream(model, usageChunk);
    }

    /** The answer's id, from Gemini's response id as far as it is a safe name (tool call ids are made from it). */
    static String idBase(String responseId) {
        String safe = responseId.replaceAll("[^A-Za-z0-9_-]", "");
        if (safe.length() > 24) safe = safe.substring(0, 24);
        return safe.isEmpty() ? UUID.randomUUID().toString().replace("-", "").substring(0, 24) : safe;
    }

    /** An OpenAI tool call for a Gemini function call: Gemini's id when it gives one, else one made from the answer's. */
    static ObjectNode toolCall(JsonNode functionCall, String idBase, int n) {
        String id = functionCall.path("id").asText("");
        ObjectNode call = JSON.createObjectNode().put("id", id.isEmpty() ? "call_" + idBase + "_" + n : id).put("type", "function");
        JsonNode args = functionCall.get("args");
        call.putObject("function").put("name", functionCall.path("name").asText(""))
                .put("arguments", args != null && args.isObject() ? args.toString() : "{}");
        return call;
    }

    /** Gemini's finish reason in OpenAI's words; a candidate that called a function finished for tool_calls. */
    static String finishReason(String reason, boolean calledTools) {
        String r = reason == null ? "STOP" : reason;
        return switch (r) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> calledTools ? "tool_calls" : "stop";
        };
    }

    /** OpenAI usage from Gemini's {@code usageMetadata}. */
    static ObjectNode usage(JsonNode m) {
        long prompt = m.path("promptTokenCount").asLong(0) + m.path("toolUsePromptTokenCount").asLong(0);
        long thoughts = m.path("thoughtsTokenCount").asLong(0);
        ObjectNode u = AnthropicChatProvider.usage(prompt, m.path("cachedContentTokenCount").asLong(0), m.path("candidatesTokenCount").asLong(0) + thoughts);
        if (thoughts > 0) u.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        return u;
    }

    /** Google's error body ({@code {"error":{"code","message","status"}}}, or a list of one) as OpenAI's; never the raw bytes. */
    static ObjectNode error(int status, JsonNode root) {
        if (root != null && root.isArray() && !root.isEmpty()) root = root.get(0);
        JsonNode e = root == null ? null : root.get("error");
        if (e == null || !e.isObject() || !e.path("message").isTextual()) {
            return AnthropicChatProvider.errorBody("The upstream answered with status " + status + " and no error it could explain.", "upstream_error");
        }
        String googleStatus = e.path("status").asText("");
        ObjectNode out = JSON.createObjectNode();
        ObjectNode err = out.putObject("error").put("message", e.get("message").asText()).put("type", errorType(googleStatus, status)).putNull("param");
        if (googleStatus.equals("RESOURCE_EXHAUSTED")) err.put("code", "rate_limit_exceeded");
        else if (!googleStatus.isEmpty() && AnthropicRequest.shown(googleStatus).equals(googleStatus)) err.put("code", googleStatus.toLowerCase(Locale.ROOT));
        else err.putNull("code");
        return out;
    }

    static String errorType(String googleStatus, int status) {
        return switch (googleStatus) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "NOT_FOUND" -> "invalid_request_error";
            case "UNAUTHENTICATED" -> "authentication_error";
            case "PERMISSION_DENIED" -> "permission_error";
            case "RESOURCE_EXHAUSTED" -> "rate_limit_error";
            case "INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED" -> "server_error";
            default -> AzureChatProvider.errorType(status);
        };
    }
}
