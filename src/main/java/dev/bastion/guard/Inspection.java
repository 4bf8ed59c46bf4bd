package dev.bastion.guard;

import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.detect.injection.InjectionVerdict;
import dev.bastion.llm.PromptText.Part;
import dev.bastion.llm.PromptText.Segment;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the guardrails found in one request and decided. It holds spans, never copies of the text, so a
 * decision record built from it cannot leak what was matched.
 *
 * @param found          every finding the policy does not allow outright, with its action
 * @param injection      the prompt-injection score and the signals that fired
 * @param injectionAction what the score alone asks for
 * @param action         the decision: the strongest action asked for
 * @param injectionPart  the part of the conversation the injection verdict is about
 * @param injectionAt    the JSON pointer of that text when it is one piece of third-party text; null for the prompt
 */
public record Inspection(List<Found> found, InjectionVerdict injection, Action injectionAction, Action action, Part injectionPart, String injectionAt) {
    public record Found(Segment segment, Finding finding, Action action) {}

    /** Entity type → count, for decision records and metrics. */
    public Map<String, Integer> counts() {
        Map<String, Integer> c = new TreeMap<>();
        for (Found f : found) c.merge(f.finding().type(), 1, Integer::sum);
        return c;
    }

    /** The findings in one segment, in text order. */
    public List<Found> in(Segment segment) {
        if (found.isEmpty()) return List.of(); // most requests
        return found.stream().filter(f -> f.segment() == segment).toList();
    }
}
