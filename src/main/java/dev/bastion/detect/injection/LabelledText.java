package dev.bastion.detect.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a labelled injection corpus (the JSONL of {@code $BASTION_CORPORA/injection/}, or an
 * operator's own data in the same shape): {@code text}, {@code label} 1 for an attack and 0 for benign,
 * and where known {@code kind}, {@code lang} and {@code source} ("" when absent).
 */
public record LabelledText(String text, boolean attack, String kind, String lang, String source) {

    /** Reads a JSONL file; a line without a {@code text} string or a 0/1 {@code label} is an error naming the line. */
    public static List<LabelledText> read(Path jsonl) {
        ObjectMapper json = new ObjectMapper();
        List<LabelledText> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode row;
                try {
                    row = json.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(jsonl + ":" + lineNo + ": not a JSON object");
                }
                JsonNode text = row.get("text"), label = row.get("label");
                if (text == null || !text.isTextual()) throw new IllegalArgumentException(jsonl + ":" + lineNo + ": no \"text\" string");
                if (label == null || !label.canConvertToInt() || (label.asInt() != 0 && label.asInt() != 1)) {
                    throw new IllegalArgumentException(jsonl + ":" + lineNo + ": \"label\" must be 0 or 1");
                }
                rows.add(new LabelledText(text.asText(), label.asInt() == 1, row.path("kind").asText(""), row.path("lang").asText(""), row.path("source").asText("")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
