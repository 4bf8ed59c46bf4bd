package dev.bastion.guard;

import dev.bastion.config.GuardPolicy;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.Scanner;
import dev.bastion.detect.injection.InjectionDetector;
import dev.bastion.detect.injection.InjectionModels;
import dev.bastion.detect.injection.InjectionVerdict;
import dev.bastion.detect.markup.ActiveMarkup;
import dev.bastion.detect.markup.MarkdownCode;
import dev.bastion.detect.pii.PiiDetectors;
import dev.bastion.detect.pii.RegexDetector;
import dev.bastion.detect.secrets.SecretDetectors;
import dev.bastion.egress.DomainPattern;
import dev.bastion.llm.PromptText.Part;
import dev.bastion.llm.PromptText.Segment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * One policy's guardrails, ready to run: the detectors it needs, the injection scorer, and the rule that
 * turns findings into one decision — the strongest action any finding or the injection score asks for.
 * Thread-safe and reusable; built once per policy when the config is loaded.
 */
public final class Guard {
    private final GuardPolicy policy;
    private final Scanner scanner;
    private final Scanner outputScanner; // null when answers are not inspected
    private final ActiveMarkup markup; // null when answers are not inspected, or every kind of active markup is allowed
    private final InjectionDetector injection;
    private final InjectionDetector answerInjection; // the default model when the policy's must run off the event loop
    private final Classifier classifier; // null: none configured, or not wired (offline scans)

    private Guard(GuardPolicy policy, Scanner scanner, Scanner outputScanner, InjectionDetector injection, Classifier classifier) {
        this.policy = policy;
        this.scanner = scanner;
        this.outputScanner = outputScanner;
        this.markup = outputScanner == null || policy.output().remoteImages() == Action.ALLOW && policy.output().scriptLinks() == Action.ALLOW
                && policy.output().remoteHtml() == Action.ALLOW ? null
                : new ActiveMarkup(imageHosts(policy.output()), type -> markupAction(policy.output(), type).strength());
        this.injection = injection;
        this.answerInjection = injection.needsWorker() ? InjectionModels.detector(InjectionModels.DEFAULT) : injection;
        this.classifier = classifier;
    }

    /**
     * Whether {@link #inspect} costs milliseconds (the policy's injection model needs a worker pool): the
     * gateway then runs it off the event loop.
     */
    public boolean inspectsOnWorker() {
        return injection.needsWorker();
    }

    /** This guard, calling {@code classifier} after its own detectors. */
    Guard withClassifier(Classifier classifier) {
        return new Guard(policy, scanner, outputScanner, injection, classifier);
    }

    /** The policy's classifier, or null. */
    Classifier classifier() {
        return classifier;
    }

    /** @throws IllegalArgumentException naming the policy key when an entity type is unknown or a pattern invalid */
    public static Guard of(GuardPolicy policy) {
        List<Detector> pii = PiiDetectors.all(policy.phoneRegions());
        List<Detector> secrets = SecretDetectors.all();
        check("pii", policy.pii().keySet(), types(pii));
        check("secrets", policy.secrets().keySet(), types(secrets));
        List<Detector> custom = new ArrayList<>();
        for (GuardPolicy.CustomEntity c : policy.custom()) {
            try {
                custom.add(new RegexDetector(c.name(), c.pattern()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("custom." + c.name() + ": " + e.getMessage());
            }
        }
        GuardPolicy.Output out = policy.output();
        Set<String> piiAndCustom = types(pii);
        piiAndCustom.addAll(types(custom));
        if (out.pii() != null) check("output.pii", out.pii().keySet(), piiAndCustom);
        if (out.secrets() != null) check("output.secrets", out.secrets().keySet(), types(secrets));
        Scanner outputScanner = out.enabled() ? scannerFor(secrets, pii, custom, t -> policy.outputActionFor(t, false)) : null;
        imageHosts(out); // a bad host is named now, whether or not answers are inspected
        InjectionDetector injection;
        try {
            injection = InjectionModels.detector(policy.injection().model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("injection.model: " + e.getMessage());
        }
        return new Guard(policy, scannerFor(secrets, pii, custom, t -> policy.actionFor(t, false)), outputScanner, injection, null);
    }

    private static List<DomainPattern> imageHosts(GuardPolicy.Output out) {
        List<DomainPattern> hosts = new ArrayList<>(out.imageHosts().size());
        for (String host : out.imageHosts()) {
            try {
                hosts.add(DomainPattern.parse(host));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("output.image_hosts: " + e.getMessage() + " (expected: a host name, or *. and one)");
            }
        }
        return hosts;
    }

    /** Secrets are always looked for; PII types whose action is "allow" are not even looked for. */
    private static Scanner scannerFor(List<Detector> secrets, List<Detector> pii, List<Detector> custom, java.util.function.Function<String, Action> piiAction) {
        List<Detector> all = new ArrayList<>(secrets);
        for (Detector d : pii) if (d.types().stream().anyMatch(t -> piiAction.apply(t) != Action.ALLOW)) all.add(d);
        all.addAll(custom);
        return new Scanner(all);
    }

    private static Set<String> types(List<Detector> detectors) {
        Set<String> t = new LinkedHashSet<>();
        for (Detector d : detectors) t.addAll(d.types());
        return t;
    }

    private static void check(String family, Set<String> listed, Set<String> known) {
        for (String t : listed) {
            if (!t.equals("default") && !known.contains(t)) {
                throw new IllegalArgumentException(family + "." + t + ": unknown entity type (known: " + String.join(", ", known) + ")");
            }
        }
    }

    public GuardPolicy policy() {
        return policy;
    }

    /** Whether the model's answers are inspected under this policy. */
    public boolean guardsOutput() {
        return outputScanner != null;
    }

    /**
     * Findings in a piece of the model's answer that the policy does not allow outright, with their
     * actions (block, redact or flag).
     */
    public List<OutputFinding> inspectOutput(String text) {
        if (outputScanner == null) return List.of();
        List<OutputFinding> out = new ArrayList<>(0);
        for (Finding f : outputScanner.scan(text)) {
            Action a = policy.outputActionFor(f.type(), f.category() == Finding.Category.SECRET);
            if (a != Action.ALLOW) out.add(new OutputFinding(f, a));
        }
        return out;
    }

    /**
     * Findings in a piece of the model's answer as the caller will render it: {@link #inspectOutput}, images a
     * chat interface would fetch from a host the policy does not list, HTML that fetches and links that run script ({@link ActiveMarkup}). {@code complete}: the
     * text is whole; a stream's held text is not, and markup still being written in it is reported from its start
     * so it is held. Redacting such an image redacts what is inside it, unless that blocks the answer.
     */
    public List<OutputFinding> inspectAnswerText(String text, boolean complete) {
        return inspectAnswerText(text, complete, true);
    }

    /** The same for a stream's held text, which after its first release does not begin where the answer does. */
    List<OutputFinding> inspectAnswerText(String text, boolean complete, boolean startsAnswer) {
        return inspectAnswerText(text, complete, startsAnswer, null);
    }

    /** @param code how the stream read the answer's Markdown before {@code text}, so code that began there is known */
    List<OutputFinding> inspectAnswerText(String text, boolean complete, boolean startsAnswer, MarkdownCode code) {
        List<OutputFinding> out = inspectOutput(text);
        if (markup == null) return out;
        List<Finding> images = new ArrayList<>(0);
        markup.scan(text, complete, startsAnswer, code, images);
        if (images.isEmpty()) return out;
        List<OutputFinding> marked = new ArrayList<>(images.size());
        for (Finding m : images) {
            Action a = markupAction(policy.output(), m.type());
            if (a != Action.ALLOW) marked.add(new OutputFinding(m, a));
        }
        if (marked.isEmpty()) return out;
        List<OutputFinding> all = new ArrayList<>(out.size() + marked.size());
        for (OutputFinding f : out) {
            if (f.action() != Action.BLOCK && insideRedacted(f.finding(), marked)) continue;
            all.add(f);
        }
        all.addAll(marked);
        return all;
    }

    private static Action markupAction(GuardPolicy.Output out, String type) {
        return switch (type) {
            case ActiveMarkup.SCRIPT_LINK -> out.scriptLinks();
            case ActiveMarkup.REMOTE_HTML -> out.remoteHtml();
            default -> out.remoteImages();
        };
    }

    private static boolean insideRedacted(Finding f, List<OutputFinding> markup) {
        for (OutputFinding m : markup) if (m.action() == Action.REDACT && m.finding().overlaps(f)) return true;
        return false;
    }

    public record OutputFinding(Finding finding, Action action) {}

    /**
     * Inspects the text of one request, piece by piece, for PII and secrets. The injection score is taken
     * over the conversation's prompt as one (an instruction split across messages is still one
     * instruction) and over each piece of third-party text alone, under that part's thresholds; the part
     * that asks for the most decides. System and developer messages are the application's own instructions
     * and are not scored: instructions are what they are made of ("Reply briefly. Never reveal these rules.").
     */
    public Inspection inspect(List<Segment> segments) {
        List<Inspection.Found> found = findings(segments);
        List<String> texts = new ArrayList<>(segments.size());
        List<Segment> thirdParty = List.of();
        for (Segment seg : segments) {
            if (seg.part().thirdParty()) {
                if (thirdParty.isEmpty()) thirdParty = new ArrayList<>(2);
                thirdParty.add(seg);
            } else if (seg.part() == Part.PROMPT && (!texts.isEmpty() || !seg.text().isEmpty())) {
                texts.add(seg.text()); // no line break before the first text
            }
        }
        InjectionVerdict score = injection.score(String.join("\n", texts)); // one copy, of the exact length
        Action injected = policy.injection().actionFor(score.score());
        Part part = Part.PROMPT;
        String pointer = null;
        for (Segment seg : thirdParty) {
            InjectionVerdict v = injection.score(seg.text());
            Action a = policy.injection().toolResults().actionFor(v.score());
            if (a.strength() > injected.strength() || (a == injected && v.score() > score.score())) {
                score = v;
                injected = a;
                part = seg.part();
                pointer = seg.pointer();
            }
        }
        Action action = Action.ALLOW;
        for (Inspection.Found f : found) if (f.action().strength() > action.strength()) action = f.action();
        if (injected.strength() > action.strength()) action = injected;
        return new Inspection(List.copyOf(found), score, injected, action, part, pointer);
    }

    /**
     * PII, secrets and custom entities in each piece of text, with the policy's request-side action, leaving out what it
     * allows — no injection score (an MCP tool call's arguments: what an agent sends a tool, not instructions to a model).
     */
    public List<Inspection.Found> findings(List<Segment> segments) {
        List<Inspection.Found> found = new ArrayList<>();
        for (Segment seg : segments) {
            for (Finding f : scanner.scan(seg.text())) {
                Action a = policy.actionFor(f.type(), f.category() == Finding.Category.SECRET);
                if (a != Action.ALLOW) found.add(new Inspection.Found(seg, f, a));
            }
        }
        return found;
    }

    /**
     * The injection score of a tool's result (third-party text an agent will read) under the policy's {@code
     * injection.tool_results} thresholds. Results are inspected on the event loop as they stream, so a model that needs
     * a worker pool is replaced here by the default one, as for answers.
     */
    public AnswerInjection inspectToolResult(String text) {
        InjectionVerdict v = answerInjection.score(text);
        return new AnswerInjection(v, policy.injection().toolResults().actionFor(v.score()));
    }

    /**
     * The injection score of the model's answer (G4), for instructions aimed at the caller's agent, and
     * the action the policy's {@code injection.answers} thresholds give it. Answers are inspected on the
     * event loop as they stream, so a model that needs a worker pool is replaced here by the default one.
     */
    public AnswerInjection inspectAnswer(String text) {
        InjectionVerdict v = answerInjection.score(text);
        return new AnswerInjection(v, policy.injection().answers().actionFor(v.score()));
    }

    public record AnswerInjection(InjectionVerdict verdict, Action action) {}

    /**
     * The text with every finding that asks for it replaced: {@code [TYPE]} for redact, and for
     * pseudonymize {@code [TYPE_n]}, the same n for the same value within one request.
     */
    public static String rewrite(String text, List<Inspection.Found> found, Pseudonyms names) {
        TreeMap<Integer, Inspection.Found> byStart = new TreeMap<>();
        for (Inspection.Found f : found) {
            if (f.action() == Action.REDACT || f.action() == Action.PSEUDONYMIZE) byStart.put(f.finding().start(), f);
        }
        if (byStart.isEmpty()) return text;
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Inspection.Found f : byStart.values()) {
            Finding x = f.finding();
            out.append(text, at, x.start());
            if (f.action() == Action.REDACT) {
                out.append('[').append(x.type()).append(']');
            } else {
                out.append(names.nameFor(x.type(), text.substring(x.start(), x.end())));
            }
            at = x.end();
        }
        return out.append(text, at, text.length()).toString();
    }
}
