package dev.bastion.mediaurl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The URLs in a chat request that a model server fetches by itself: the {@code url} of a content part's
 * {@code image_url}, and of the other media parts servers accept ({@code video_url}, {@code audio_url}
 * in vLLM's and SGLang's dialects, {@code file_url}, {@code document_url} in Mistral's), as an object's
 * {@code url} or as a plain string (the Responses-style {@code input_image}). The Messages front door's URL
 * sources are already image parts by the time this reads the body.
 */
final class PromptUrls {
    static final Set<String> FIELDS = Set.of("image_url", "video_url", "audio_url", "file_url", "document_url");

    /** One URL, where it is as a JSON pointer (the pointer, never the URL, goes into an error), and its part's field. */
    record Found(String pointer, String url, String field) {}

    private PromptUrls() {}

    static List<Found> in(JsonNode request) {
        List<Found> found = new ArrayList<>(0);
        JsonNode messages = request.get("messages");
        if (messages == null || !messages.isArray()) return found;
        for (int m = 0; m < messages.size(); m++) {
            JsonNode content = messages.get(m).get("content");
            if (content == null || !content.isArray()) continue;
            for (int p = 0; p < content.size(); p++) {
                JsonNode part = content.get(p);
                if (!part.isObject()) continue;
                for (String field : FIELDS) {
                    JsonNode v = part.get(field);
                    if (v == null) continue;
                    String at = "/messages/" + m + "/content/" + p + "/" + field;
                    if (v.isTextual()) found.add(new Found(at, v.asText(), field));
                    else if (v.isObject() && v.path("url").isTextual()) found.add(new Found(at + "/url", v.get("url").asText(), field));
                }
            }
        }
        return found;
    }
}
