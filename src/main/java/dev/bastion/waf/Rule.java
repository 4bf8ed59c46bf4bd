package dev.bastion.waf;

import java.util.List;

/**
 * One inspection rule: which values it looks at, what they are turned into first, and what it looks
 * for in them. Rules are data (YAML shipped in the jar, plus the operator's files); this is their
 * compiled form.
 *
 * @param id          a stable number; families follow CRS's numbering (930 LFI, 932 RCE, 941 XSS, 942 SQLi, 944 Java…)
 * @param description what the rule catches, for people
 * @param paranoia    1–4: the level from which it runs
 * @param severity    what a match adds to the request's score
 * @param tags        free-form labels (attack family)
 * @param targets     target selectors: {@code path}, {@code query}, {@code args}, {@code args_names},
 *                    {@code headers}, {@code headers:NAME}, {@code cookies}, {@code cookie_names},
 *                    {@code body}, {@code json_keys}, {@code request_line}
 * @param transforms  applied in order before matching
 * @param operator    what a value must contain to match
 * @param requires    literals one of which a transformed value must contain for the operator to run at all
 *                    (case-insensitive, one linear pass), or null: a cheap prefilter in front of regular
 *                    expressions, which cost far more per character — most values hold none of them
 */
public record Rule(int id, String description, int paranoia, Severity severity, List<String> tags, List<String> targets,
                   List<Transform> transforms, Operator operator, PhraseMatcher requires) {

    /**
     * The plain reading of the rule on an already transformed value: the prefilter, then the operator.
     * {@link Inspector} gets the same answer by a faster road (one automaton for all rules' literals).
     */
    public boolean matches(String transformed) {
        return (requires == null || requires.find(transformed) != null) && operator.matches(transformed);
    }

    public enum Severity {
        CRITICAL(5), ERROR(4), WARNING(3), NOTICE(2);

        public final int score;

        Severity(int score) {
            this.score = score;
        }
    }
}
