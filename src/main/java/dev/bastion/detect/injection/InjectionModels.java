package dev.bastion.detect.injection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The learned models a policy can name ({@code injection.model}). Each is loaded once per process, on
 * first use, and shared by every policy that names it.
 */
public final class InjectionModels {
    /** No learned model: the phrase signals alone (the detector before issue 15). */
    public static final String PHRASES = "phrases";
    public static final String DEFAULT = LinearInjectionModel.NAME;
    private static final ConcurrentHashMap<String, InjectionModel> PROVIDED = new ConcurrentHashMap<>();

    private InjectionModels() {}

    private static final class Linear {
        static final LinearInjectionModel MODEL = LinearInjectionModel.bundled();
    }

    private static final ConcurrentHashMap<Path, LinearInjectionModel> FILES = new ConcurrentHashMap<>();

    /**
     * The detector for a model name, or for a model file written by {@code bastion guard train} (a name
     * ending in {@code .bin.gz}); @throws IllegalArgumentException naming the known ones, or why the file
     * cannot be read
     */
    public static InjectionDetector detector(String name) {
        if (name.endsWith(".bin.gz")) return new InjectionDetector(file(Path.of(name)));
        return switch (name) {
            case LinearInjectionModel.NAME -> new InjectionDetector(Linear.MODEL);
            case PHRASES -> new InjectionDetector(null);
            default -> new InjectionDetector(provided(name));
        };
    }

    /** Every name a policy can use: the built-in ones and those of the providers on the class path. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of(LinearInjectionModel.NAME));
        for (InjectionModel.Provider p : ServiceLoader.load(InjectionModel.Provider.class)) names.add(p.name());
        names.add(PHRASES);
        return names;
    }

    private static InjectionModel provided(String name) {
        InjectionModel loaded = PROVIDED.get(name);
        if (loaded != null) return loaded;
        for (InjectionModel.Provider p : ServiceLoader.load(InjectionModel.Provider.class)) {
            if (p.name().equals(name)) return PROVIDED.computeIfAbsent(name, n -> p.load());
        }
        throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", names()) + ", or a .bin.gz file from 'bastion guard train')");
    }

    private static LinearInjectionModel file(Path path) {
        return FILES.computeIfAbsent(path.toAbsolutePath().normalize(), p -> {
            try (InputStream in = Files.newInputStream(p)) {
                return LinearInjectionModel.read(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(p + ": " + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            }
        });
    }
}
