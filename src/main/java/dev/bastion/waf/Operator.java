package dev.bastion.waf;

import com.google.re2j.Pattern;
import java.util.List;

/** What a rule looks for in a transformed value. Every operator runs in time linear in the value. */
public sealed interface Operator permits Operator.Regex, Operator.Phrases, Operator.Log4Shell {
    boolean matches(String value);

    /** A regular expression, RE2 syntax (linear time: no back-references or look-arounds), found anywhere. */
    record Regex(Pattern pattern) implements Operator {
        static Regex of(String expression) {
            return new Regex(Pattern.compile(expression));
        }

        @Override
        public boolean matches(String value) {
            return pattern.matcher(value).find();
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

    /** Log4j lookups that reach JNDI, in every obfuscation ({@link Log4ShellDetector}). */
    record Log4Shell() implements Operator {
        @Override
        public boolean matches(String value) {
            return Log4ShellDetector.matches(value);
        }
    }
}
