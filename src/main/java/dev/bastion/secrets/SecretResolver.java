package dev.bastion.secrets;

import dev.bastion.config.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns {@code env:NAME} and {@code file:PATH} references into {@link Secret}s at start-up, and refuses
 * values that are obviously not real secrets ({@code REPLACE_ME}, {@code changeme}, {@code <your-key>}):
 * a gateway that starts with a placeholder key fails later, in production, in confusing ways.
 */
public final class SecretResolver {
    private static final Set<String> PLACEHOLDERS = Set.of(
            "replace_me", "replaceme", "replace-me", "changeme", "change_me", "change-me", "todo", "tbd", "fixme",
            "xxx", "xxxx", "secret", "password", "your_api_key", "your-api-key", "yourapikey", "api_key", "apikey",
            "sk-...", "sk-xxx", "dummy", "example", "test", "none", "null");

    private final Function<String, String> environment;

    public SecretResolver() {
        this(System::getenv);
    }

    /** For tests: a fixed environment instead of the process's. */
    public SecretResolver(Map<String, String> environment) {
        this(environment::get);
    }

    private SecretResolver(Function<String, String> environment) {
        this.environment = environment;
    }

    /**
     * @param where the YAML path of the reference, used in the error
     * @throws SecretException when the reference cannot be resolved or resolves to a placeholder
     */
    public Secret resolve(SecretRef ref, String where) {
        String value = switch (ref.kind()) {
            case ENV -> {
                String v = environment.apply(ref.target());
                if (v == null) throw new SecretException(where + ": environment variable " + ref.target() + " is not set");
                yield v;
            }
            case FILE -> {
                try {
                    yield Files.readString(Path.of(ref.target()), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new SecretException(where + ": cannot read " + ref.target() + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        };
        value = value.strip();
        if (value.isEmpty()) throw new SecretException(where + ": " + ref + " is empty");
        if (isPlaceholder(value)) {
            // Never print the value itself, even a placeholder: the same message path serves real secrets.
            throw new SecretException(where + ": " + ref + " holds a placeholder, not a real secret; set the real value");
        }
        LogRedactor.global().add(value); // from now on, a log line that holds it anyway is redacted
        return Secret.of(value);
    }

    static boolean isPlaceholder(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.contains(v)) return true;
        if (v.startsWith("<") && v.endsWith(">")) return true;          // <your-key-here>
        if (v.startsWith("${") && v.endsWith("}")) return true;         // an unexpanded template
        if (v.contains("replace_me") || v.contains("replace-me") || v.contains("your-api-key") || v.contains("your_api_key")) return true;
        return v.chars().distinct().count() == 1 && v.length() > 2;     // "xxxxxxxx", "********"
    }

    /** A secret reference could not be turned into a usable value. The message never contains a value. */
    public static final class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }
    }
}
