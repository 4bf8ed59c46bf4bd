package dev.bastion.guard;

import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.injection.InjectionVerdict;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the guardrails found in one answer and did about it, as types and counts only — the decision
 * record of the response side. {@code late} counts entities recognised only after their start had been
 * sent (longer than the hold-back window and unrecognisable from their start).
 */
final class AnswerRecord {
    private Map<String, Integer> counts; // made on the first finding: most answers have none
    private Map<String, Action> actions;
    private Action action = Action.ALLOW;
    private int late;
    private boolean restored;
    private InjectionVerdict injection; // set when the answer's injection score asked for more than allow
    private Action injectionAction = Action.ALLOW;

    void found(String type, Action a, boolean lateFinding) {
        if (counts == null) {
            counts = new TreeMap<>();
            actions = new TreeMap<>();
        }
        counts.merge(type, 1, Integer::sum);
        actions.merge(type, a, (x, y) -> y.strength() > x.strength() ? y : x);
        if (a.strength() > action.strength()) action = a;
        if (lateFinding) late++;
    }

    /** The answer's injection score, kept when its action is more than allow. */
    void injection(InjectionVerdict verdict, Action a) {
        if (a == Action.ALLOW) return;
        injection = verdict;
        injectionAction = a;
        if (a.strength() > action.strength()) action = a;
    }

    /** The injection verdict when it asked for more than allow, else null. */
    InjectionVerdict injection() {
        return injection;
    }

    Action injectionAction() {
        return injectionAction;
    }

    void restored() {
        restored = true;
    }

    Map<String, Integer> counts() {
        return counts == null ? Map.of() : counts;
    }

    /** Type → the strongest action taken on it. */
    Map<String, Action> actions() {
        return actions == null ? Map.of() : actions;
    }

    Action action() {
        return action;
    }

    int late() {
        return late;
    }

    /** Whether pseudonym placeholders were put back into the answer. */
    boolean wasRestored() {
        return restored;
    }

    boolean isEmpty() {
        return counts == null && !restored && injection == null;
    }
}
