package dev.bastion.mediaurl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The URLs in a chat request that a model server fetches by itself: the {@code url} of a content part's
 * {@code image_url}, and of the other media parts servers accept ({@code video_url}, {@code audio_url}
 * in vLLM's and SGLang's dialects, {@code file_url}, {@code document_url} in Mistral's), as an object's
 * {@code url} or as a plain string (the Responses API's {@code input_image} and {@code input_file}'s {@code file_url}), in a
 * chat request's messages or a Responses request's input items. The Messages front door's URL sources are already image
 * parts by the time this reads the body.
 */
final class PromptUrls {
    static final Set<String> FIELDS = Set.of("image_url", "video_url", "audio_url", "file_url", "document_url");

    /** One URL, where it is as a JSON pointer (the pointer, never the URL, goes into an error), and its part's field. */
    record Found(String pointer, String url, String field) {}

    private PromptUrls() {}

    /** The URLs in a chat request's {@code messages}, or a Responses request's {@code input} items (a tool's output included). */
    static List<Found> in(JsonNode request) {
        List<Found> found = new ArrayList<>(0);
        for (String list : new String[] {"messages", "input"}) {
            JsonNode items = request.get(list);
            if (items == null || !items.isArray()) continue;
            for (int m = 0; m < items.size(); m++) {
                parts(items.get(m).get("content"), "/" + list + "/" + m + "/content", found);
                parts(items.get(m).get("output"), "/" + list + "/" + m + "/output", found);
            }
        }
        return found;
    }

    private static void parts(JsonNode content, String at, List<Found> found) {
        if (content == null || !content.isArray()) return;
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            if (!part.isObject()) continue;
            for (String field : FIELDS) {
                JsonNode v = part.get(field);
                if (v == null) continue;
                String here = at + "/" + p + "/" + field;
                if (v.isTextual()) found.add(new Found(here, v.asText(), field));
                else if (v.isObject() && v.path("url").isTextual()) found.add(new Found(here + "/url", v.get("url").asText(), field));
            }
        }
    }
}
