package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}, {@code anthropic-version: 2023-06-01}) behind the
 * OpenAI chat format.
 * <p>
 * <b>Requests.</b> System and developer messages become the top-level {@code system} (joined by blank
 * lines, wherever they stood: Anthropic has one system prompt). User and assistant messages keep their
 * order; consecutive messages of one role become one turn, since Anthropic requires the roles to
 * alternate, and {@code tool} messages become {@code tool_result} blocks of a user turn. Content: text;
 * images by {@code data:} URL (JPEG, PNG, GIF, WebP) inline, by http(s) URL as a URL source that Anthropic
 * fetches (Bastion never fetches); PDFs given inline as {@code file.file_data} become document blocks.
 * Assistant {@code tool_calls} become {@code tool_use} blocks (their arguments must be a JSON object; blank
 * arguments are taken as {@code {}}). Tools, {@code tool_choice} (auto, none, required → any, a named
 * function → tool), {@code parallel_tool_calls: false} (→ {@code disable_parallel_tool_use}),
 * {@code max_completion_tokens} / {@code max_tokens} (default {@value AnthropicRequest#DEFAULT_MAX_TOKENS}:
 * Anthropic requires one), {@code temperature} (0 to 1 only), {@code top_p}, {@code stop},
 * {@code stream} and {@code safety_identifier} / {@code user} (→ {@code metadata.user_id}).
 * <p>
 * <b>Refused</b> ({@link UntranslatableRequest}): {@code n} other than 1, {@code logprobs},
 * {@code top_logprobs}, {@code response_format} json_object and json_schema (Anthropic has no JSON mode;
 * asking for JSON in the prompt would rewrite the client's conversation), audio in or out, the legacy
 * {@code functions}, strict tool schemas, OpenAI file ids, {@code temperature} above 1, and every other
 * field, message field or content-part field not named here — nothing is silently lost.
 * <p>
 * <b>Dropped</b>, since they do not change what is said, or only slightly: {@code stream_options} (Anthropic
 * always reports usage; its {@code include_usage} decides whether the stream ends with OpenAI's usage
 * chunk), {@code seed}, {@code presence_penalty}, {@code frequency_penalty}, {@code store},
 * {@code metadata} (OpenAI's stored-completion tags), {@code prediction}, {@code service_tier},
 * {@code prompt_cache_key}, a message's {@code name}, an image's {@code detail}, a file's
 * {@code filename} (kept as the document's title), {@code parallel_tool_calls} without tools.
 * <p>
 * <b>Answers.</b> Text blocks joined, {@code tool_use} blocks as tool calls (their ids kept, so the next
 * request's tool results find them); other block types (thinking, server tools) are never asked for and not
 * carried. Stop reasons: end_turn, stop_sequence, pause_turn → stop; max_tokens,
 * model_context_window_exceeded → length; tool_use → tool_calls; refusal → content_filter. Prompt tokens
 * count cache writes and reads ({@code cached_tokens} = reads), as OpenAI's do.
 */
public final class AnthropicChatProvider implements ChatProvider {
    public static final String VERSION = "2023-06-01";

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public String path(String model, boolean stream) {
        return "/v1/messages";
    }

    @Override
    public void headers(MultiMap headers) {
        headers.set("anthropic-version", VERSION);
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        return Buffer.buffer(AnthropicRequest.translate(openAiChat, model).toString());
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        JsonNode root = parse(body);
        if (status < 200 || status > 299) return Buffer.buffer(error(status, root).toString());
        if (root == null || !root.isObject() || !root.path("content").isArray()) {
            throw new UnreadableAnswer("The upstream's answer could not be read as an Anthropic message.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + root.path("id").asText(""))
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model);
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = null;
        ArrayNode calls = null;
        for (JsonNode block : root.get("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    if (text == null) text = new StringBuilder();
                    text.append(block.path("text").asText(""));
                }
                case "tool_use" -> {
                    if (calls == null) calls = JSON.createArrayNode();
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText("")).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText(""))
                            .put("arguments", block.has("input") ? block.get("input").toString() : "{}");
                }
                default -> {} // not asked for
            }
        }
        message.put("content", text == null ? null : text.toString());
        if (calls != null) message.set("tool_calls", calls);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(root.path("stop_reason").asText(null)));
        JsonNode usage = root.path("usage");
        out.set("usage", usage(usage, usage.path("output_tokens").asLong(0)));
        return Buffer.buffer(out.toString());
    }

    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return new AnthropicStream(model, usageChunk);
    }

    /** Anthropic's stop reason in OpenAI's words ("stop" when it gave none). */
    static String finishReason(String stopReason) {
        if (stopReason == null) return "stop";
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** OpenAI usage from Anthropic's: the prompt counts every input token, cached or not. */
    static ObjectNode usage(JsonNode anthropicUsage, long outputTokens) {
        long input = anthropicUsage.path("input_tokens").asLong(0);
        long written = anthropicUsage.path("cache_creation_input_tokens").asLong(0);
        long read = anthropicUsage.path("cache_read_input_tokens").asLong(0);
        return usage(input + written + read, read, outputTokens);
    }

    static ObjectNode usage(long prompt, long cached, long completion) {
        ObjectNode u = JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        return u;
    }

    /** An Anthropic error body ({@code {"type":"error","error":{"type","message"}}}) as OpenAI's; never the raw bytes. */
    static ObjectNode error(int status, JsonNode root) {
        JsonNode e = root == null ? null : root.get("error");
        if (e != null && e.isObject() && e.path("message").isTextual()) {
            return errorBody(e.get("message").asText(), e.path("type").asText("api_error"));
        }
        return errorBody("The upstream answered with status " + status + " and no error it could explain.", "upstream_error");
    }

    static ObjectNode errorBody(String message, String type) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("message", message).put("type", type).putNull("code");
        return out;
    }

    private static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) return null;
        try {
            return JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
