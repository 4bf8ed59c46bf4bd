package dev.bastion.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the YAML config into {@link BastionConfig} and validates it. Every failure is a
 * {@link ConfigException} whose lines start with the YAML path and line number.
 */
public final class ConfigLoader {
    private final ObjectMapper mapper;

    public ConfigLoader() {
        YAMLFactory yaml = YAMLFactory.builder().build();
        yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper = new ObjectMapper(yaml);
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        // "port: '8080'" or "enabled: 'yes'" are typos more often than intent: no string coercion.
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        SimpleModule values = new SimpleModule("bastion-config-values");
        values.addDeserializer(Duration.class, scalar(Durations::parse));
        values.addDeserializer(ByteSize.class, scalar(ByteSize::parse));
        values.addDeserializer(Rate.class, scalar(Rate::parse));
        values.addDeserializer(SecretRef.class, scalar(SecretRef::parse));
        values.addDeserializer(RetentionPeriod.class, scalar(RetentionPeriod::parse));
        mapper.registerModule(values);
    }

    public BastionConfig load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    public BastionConfig parse(String yaml, String source) {
        return parse(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)), source);
    }

    private BastionConfig parse(InputStream in, String source) {
        BastionConfig config = read(in, BastionConfig.class, source);
        List<String> problems = ConfigValidator.validate(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> source + ": " + p).toList());
        }
        return config;
    }

    /** A guardrail policy file ({@code bastion guard scan --policy}): the same strict parsing as the config. */
    public GuardPolicy loadPolicy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, GuardPolicy.class, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private <T> T read(InputStream in, Class<T> type, String source) {
        T value;
        try {
            byte[] bytes = in.readAllBytes();
            if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) throw new ConfigException(source + ": empty file");
            value = mapper.readValue(bytes, type);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": " + describe(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + where(e.getLocation()) + "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (value == null) throw new ConfigException(source + ": empty file");
        return value;
    }

    /** Keys that were removed before 1.0, with what replaced them (said instead of a bare "unknown key"). */
    private static final java.util.Map<String, String> REPLACED = java.util.Map.of(
            "operator_orgs", "the operator scope replaced it (give the operator's API key or token the 'operator' scope; docs/operations.md#roles)");

    private static String describe(JsonMappingException e) {
        String path = path(e.getPath());
        String at = where(e.getLocation());
        String prefix = (path.isEmpty() ? "" : path + ": ") + at;
        if (e instanceof UnrecognizedPropertyException u && REPLACED.containsKey(u.getPropertyName())) {
            return prefix + "'" + u.getPropertyName() + "' is gone: " + REPLACED.get(u.getPropertyName());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return prefix + "unknown key '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known keys: " + known + ")");
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return prefix + rootMessage(v.getCause());
        }
        if (e instanceof InvalidFormatException f) {
            return prefix + "'" + f.getValue() + "' is not a valid " + typeName(f.getTargetType()) + expectedValues(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return prefix + "wrong type (expected: " + typeName(m.getTargetType()) + expectedValues(m.getTargetType()) + ")";
        }
        if (e.getCause() instanceof IllegalArgumentException iae) {
            return prefix + iae.getMessage();
        }
        return prefix + e.getOriginalMessage();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }

    private static String expectedValues(Class<?> type) {
        if (type != null && type.isEnum()) {
            return " (one of: " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> {
                try {
                    var ann = type.getField(((Enum<?>) c).name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                    return ann != null ? ann.value() : ((Enum<?>) c).name().toLowerCase();
                } catch (NoSuchFieldException ex) {
                    return c.toString();
                }
            }).collect(Collectors.joining(", ")) + ")";
        }
        return "";
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "value";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "integer";
        if (type == Boolean.class || type == boolean.class) return "boolean";
        if (type == String.class) return "string";
        if (List.class.isAssignableFrom(type)) return "list";
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) return "mapping";
        if (type.isEnum()) return "value";
        return type.getSimpleName();
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? "" : "(line " + loc.getLineNr() + ") ";
    }

    /** {@code routes[1].match.path} from Jackson's reference chain, using the YAML key names. */
    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getFieldName());
            }
        }
        return sb.toString();
    }

    private static <T> JsonDeserializer<T> scalar(Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) {
                    throw MismatchedInputException.from(p, (Class<?>) null, "expected a single value, not a " + p.currentToken().asString());
                }
                try {
                    return parse.apply(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage(), e);
                }
            }
        };
    }
}
