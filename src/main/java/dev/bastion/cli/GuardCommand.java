package dev.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.detect.Finding;
import dev.bastion.detect.Spans;
import dev.bastion.guard.Guard;
import dev.bastion.guard.Inspection;
import dev.bastion.llm.PromptText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion guard scan}: the guardrails offline, for CI over prompt templates and datasets. Reads
 * JSONL, writes one JSONL verdict per input line — spans, types, scores and actions, never the text.
 * The format is documented in docs/guardrails.md and kept stable.
 */
@Command(name = "guard", description = "Run the guardrails offline.", mixinStandardHelpOptions = true, subcommands = {GuardCommand.Scan.class, GuardEvalCommand.class, GuardTrainCommand.class})
public final class GuardCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    enum Format { text, openai }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Scan JSONL ({\"id\":…,\"text\":…} per line, or OpenAI request bodies with --format openai) and print a JSONL verdict per line. "
                    + "Exit status: 0, 1 when a line could not be read, 3 when a verdict reached --fail-on.")
    static final class Scan implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;
        @Option(names = "--policy", paramLabel = "FILE", description = "A guardrail policy (YAML, the shape of a route's guard policy). Default: the built-in policy.")
        Path policy;
        @Option(names = "--input", paramLabel = "FILE", defaultValue = "-", description = "JSONL input; - for standard input (default).")
        String input;
        @Option(names = "--format", defaultValue = "text", description = "text (default) or openai.")
        Format format;
        @Option(names = "--fail-on", paramLabel = "ACTION", description = "Exit with 3 when any verdict is this action or stronger: block, redact, pseudonymize, flag.")
        Action failOn;

        @Override
        public Integer call() throws IOException {
            GuardPolicy p = policy == null ? GuardPolicy.DEFAULTS : new ConfigLoader().loadPolicy(policy);
            Guard guard;
            try {
                guard = Guard.of(p);
            } catch (IllegalArgumentException e) {
                throw new CliException((policy == null ? "policy" : policy.toString()) + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean unreadable = false, failed = false;
            try (BufferedReader in = open()) {
                long lineNo = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNo++;
                    if (line.isBlank()) continue;
                    ObjectNode verdict = JSON.createObjectNode();
                    JsonNode doc;
                    try {
                        doc = JSON.readTree(line);
                    } catch (IOException e) {
                        doc = null;
                    }
                    if (doc == null || !doc.isObject()) {
                        verdict.put("id", lineNo).put("error", "line " + lineNo + " is not a JSON object");
                        unreadable = true;
                    } else {
                        Action a = scan(guard, doc, lineNo, verdict);
                        if (a == null) unreadable = true;
                        else if (failOn != null && a.strength() >= failOn.strength() && a != Action.ALLOW) failed = true;
                    }
                    out.println(JSON.writeValueAsString(verdict));
                }
            }
            out.flush();
            return unreadable ? 1 : failed ? 3 : 0;
        }

        private BufferedReader open() throws IOException {
            if ("-".equals(input)) return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException(input + ": no such file");
            }
        }

        /** Fills the verdict; the action, or null when the line had no text to scan. */
        private Action scan(Guard guard, JsonNode doc, long lineNo, ObjectNode verdict) {
            List<PromptText.Segment> segments;
            if (format == Format.text) {
                verdict.set("id", doc.has("id") ? doc.get("id") : JSON.getNodeFactory().numberNode(lineNo));
                JsonNode text = doc.get("text");
                if (text == null || !text.isTextual()) {
                    verdict.put("error", "line " + lineNo + " has no \"text\" string");
                    return null;
                }
                segments = List.of(new PromptText.Segment("", text.asText()));
            } else {
                verdict.put("id", lineNo);
                // A Responses API body names instructions or holds items in input; embeddings' input is strings (or token ids).
                boolean responses = doc.has("instructions") || doc.path("input").path(0).isObject();
                LlmApi api = doc.has("messages") ? LlmApi.CHAT : doc.has("prompt") && !doc.has("input") ? LlmApi.COMPLETIONS
                        : responses ? LlmApi.RESPONSES : doc.has("input") ? LlmApi.EMBEDDINGS : null;
                if (api == null) {
                    verdict.put("error", "line " + lineNo + " is not an OpenAI chat, completions, embeddings or responses request");
                    return null;
                }
                segments = PromptText.of(api, doc);
            }
            Inspection ins = guard.inspect(segments);
            verdict.put("action", name(ins.action()));
            ArrayNode entities = verdict.putArray("entities");
            ArrayNode secrets = verdict.putArray("secrets");
            for (Inspection.Found f : ins.found()) {
                Finding x = f.finding();
                String text = f.segment().text();
                ObjectNode e = (x.category() == Finding.Category.SECRET ? secrets : entities).addObject();
                e.put("type", x.type());
                if (format == Format.openai) e.put("path", f.segment().pointer());
                e.put("start", Spans.codePointOffset(text, x.start()));
                e.put("end", Spans.codePointOffset(text, x.end()));
                e.put("action", name(f.action()));
            }
            ObjectNode inj = verdict.putObject("injection");
            inj.put("score", Math.round(ins.injection().score() * 1000) / 1000.0);
            ArrayNode signals = inj.putArray("signals");
            ins.injection().signals().forEach(signals::add);
            if (ins.injection().model() >= 0) inj.put("model_score", Math.round(ins.injection().model() * 1000) / 1000.0);
            inj.put("part", ins.injectionPart().id());
            if (ins.injectionAt() != null) inj.put("path", ins.injectionAt());
            inj.put("action", name(ins.injectionAction()));
            return ins.action();
        }

        private static String name(Action a) {
            return a.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
