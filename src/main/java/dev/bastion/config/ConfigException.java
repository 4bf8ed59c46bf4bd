package dev.bastion.config;

import java.util.List;

/**
 * The configuration cannot be used. Every problem names the YAML path it is about
 * (for example {@code routes[1].upstream}) so an operator can fix it without guessing.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem, each starting with the YAML path. */
    public List<String> problems() {
        return problems;
    }
}
