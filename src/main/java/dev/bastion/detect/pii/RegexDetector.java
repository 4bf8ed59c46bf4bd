package dev.bastion.detect.pii;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.List;
import java.util.Set;

/**
 * An operator's own entity: a regular expression from config, run with RE2J, whose matching time is
 * linear in the text whatever the pattern — a pattern cannot make a request slow (no catastrophic
 * backtracking), and back-references and look-arounds are refused when the config is loaded.
 */
public final class RegexDetector implements Detector {
    private final String type;
    private final Pattern pattern;

    /** @throws IllegalArgumentException when the pattern is not valid RE2 syntax or matches the empty string */
    public RegexDetector(String type, String regex) {
        if (type == null || !type.matches("[A-Z][A-Z0-9_]{0,47}")) throw new IllegalArgumentException("entity name '" + type + "' (expected: UPPER_SNAKE_CASE)");
        try {
            this.pattern = Pattern.compile(regex);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern for " + type + " is not RE2 syntax: " + e.getDescription());
        }
        if (pattern.matches("")) throw new IllegalArgumentException("pattern for " + type + " matches the empty string");
        this.type = type;
    }

    @Override
    public Set<String> types() {
        return Set.of(type);
    }

    @Override
    public void scan(String s, List<Finding> out) {
        Matcher m = pattern.matcher(s);
        while (m.find()) {
            if (m.end() > m.start()) out.add(new Finding(type, Finding.Category.CUSTOM, m.start(), m.end()));
        }
    }
}
