package dev.bastion.waf;

import com.google.re2j.Pattern;
import java.util.List;

/** What a rule looks for in a transformed value. Every operator runs in time linear in the value. */
public sealed interface Operator permits Operator.Regex, Operator.Phrases, Operator.Detector, Operator.Not, Operator.LongerThan, Operator.GreaterThan {
    boolean matches(String value);

    /** {@link #matches(String)}, given the value's {@link CharClasses}, which some operators rule values out by. */
    default boolean matches(String value, long classes) {
        return matches(value);
    }

    /** The tokenizing detectors a rule names with {@code detect:}. */
    java.util.Map<String, Detector> DETECTORS = java.util.Map.of(
            "log4shell", new Detector("log4shell", (v, classes) -> Log4ShellDetector.matches(v), Log4ShellDetector.NEEDS),
            "charset", new Detector("charset", (v, classes) -> CharsetDetector.matches(v), List.of()),
            "sqli", new Detector("sqli", (v, classes) -> SqlInjectionDetector.matches(v), SqlInjectionDetector.NEEDS),
            "xss", new Detector("xss", (v, classes) -> XssDetector.matches(v), XssDetector.NEEDS),
            "command", new Detector("command", CommandInjectionDetector::matches, List.of()));

    /** A regular expression, RE2 syntax (linear time: no back-references or look-arounds), found anywhere. */
    final class Regex implements Operator {
        /** Short values seen again and again (header names, Content-Type, Accept) are answered from memory. */
        static final int MEMO_LENGTH = 128, MEMO_ENTRIES = 512;
        private final Pattern pattern;
        private final java.util.concurrent.ConcurrentHashMap<String, Boolean> recent = new java.util.concurrent.ConcurrentHashMap<>();

        private Regex(Pattern pattern) {
            this.pattern = pattern;
        }

        static Regex of(String expression) {
            return new Regex(Pattern.compile(expression));
        }

        public Pattern pattern() {
            return pattern;
        }

        /** How many answers are remembered now (tests: the memory stays bounded). */
        int remembered() {
            return recent.size();
        }

        @Override
        public boolean matches(String value) {
            // RE2J costs a microsecond or more per call however short the value, and the same few header
            // values come with every request; bounded, so a flood of distinct values only empties it.
            if (value.length() > MEMO_LENGTH) return pattern.matcher(value).find();
            Boolean known = recent.get(value);
            if (known != null) return known;
            boolean found = pattern.matcher(value).find();
            if (recent.size() >= MEMO_ENTRIES) recent.clear();
            recent.put(value, found);
            return found;
        }

        @Override
        public String toString() {
            return "Regex[" + pattern.pattern() + "]";
        }
    }

    /** Any of a list of phrases (Aho–Corasick), case-insensitive. */
    record Phrases(PhraseMatcher matcher) implements Operator {
        static Phrases of(List<String> phrases) {
            return new Phrases(new PhraseMatcher(phrases));
        }

        @Override
        public boolean matches(String value) {
            return matcher.find(value) != null;
        }
    }

    /** {@code longer_than: N}: the value has more than N characters (a header no client sends that long). */
    record LongerThan(long limit) implements Operator {
        @Override
        public boolean matches(String value) {
            return value.length() > limit;
        }
    }

    /**
     * {@code greater_than: N}: the value is a whole number (optional sign, digits, surrounding white space)
     * greater than N (one with more digits than a long holds is); anything else — text, a fraction —
     * does not match, and a rule that wants such values refused says so with {@code rx}.
     */
    record GreaterThan(long limit) implements Operator {
        @Override
        public boolean matches(String value) {
            String v = value.strip();
            int start = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
            if (v.length() == start || !digits(v, start)) return false;
            if (v.length() - start > 18) return v.charAt(0) != '-'; // more digits than a long: beyond any limit, unless negative
            return Long.parseLong(v) > limit;
        }

        private static boolean digits(String v, int from) {
            for (int i = from; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return false;
            return true;
        }
    }

    /**
     * {@code negate: true}: the rule fires on a value the regular expression does not match — an allow-list
     * (content types, charsets). With {@code requires}, only values holding one of its literals are judged.
     */
    record Not(Operator inner) implements Operator {
        @Override
        public boolean matches(String value) {
            return !inner.matches(value);
        }
    }

    /**
     * A detector written for one attack family, which reads the value as the attacked interpreter would
     * (Log4j lookups, SQL tokens, HTML) rather than matching a pattern.
     *
     * @param needs literals one of which (case-insensitively) every value the detector can match holds, or
     *              none: a rule with the detector and no {@code requires} of its own takes them as its
     *              prefilter, so the inspector's one literal scan passes over most values for it
     */
    record Detector(String name, Test test, List<String> needs) implements Operator {
        /** The detector's reading of a value whose {@link CharClasses} are {@code classes}. */
        public interface Test {
            boolean matches(String value, long classes);
        }

        @Override
        public boolean matches(String value) {
            return test.matches(value, CharClasses.of(value));
        }

        @Override
        public boolean matches(String value, long classes) {
            return test.matches(value, classes);
        }
    }
}
