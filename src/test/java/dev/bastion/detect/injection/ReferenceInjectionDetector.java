package dev.bastion.detect.injection;

import static dev.bastion.detect.injection.InjectionSignals.ENCODED_PAYLOAD;
import static dev.bastion.detect.injection.InjectionSignals.HOMOGLYPHS;
import static dev.bastion.detect.injection.InjectionSignals.INVISIBLE_CHARACTERS;
import static dev.bastion.detect.injection.InjectionSignals.ROLE_TAG_INJECTION;

import java.util.ArrayList;
import java.util.List;

/**
 * FROZEN REFERENCE: {@code InjectionDetector.score} and {@code InjectionScorer.score} as they were before the fast
 * paths (2026-12-07), over {@link ReferenceInjectionText} and {@link ReferenceTokens}, for {@link DetectorEquivalenceTest}.
 * The parts the fast paths do not touch (phrase tables, role tags, invisible characters, homoglyphs, the model's
 * weights) are the production ones. Do not optimise.
 */
final class ReferenceInjectionDetector {
    private static final PhraseSet ALL_PHRASES = new PhraseSet(EnglishPhrases.concat(EnglishPhrases.ALL, MultilingualPhrases.ALL));
    private static final PhraseSet ENGLISH_PHRASES = new PhraseSet(EnglishPhrases.ALL);
    private static final double DECODED_MINIMUM = 0.5;

    private final LinearInjectionModel model;

    ReferenceInjectionDetector(LinearInjectionModel model) {
        this.model = model;
    }

    InjectionVerdict score(String text) {
        if (text == null || text.isEmpty()) return InjectionVerdict.NONE;
        InjectionText view = ReferenceInjectionText.of(text);
        InjectionVerdict signals = phrases(text, view.decoded());
        if (view.unmasked()) signals = stronger(signals, phrases(view.text(), List.of()));
        double learned = 0;
        for (String part : view.parts()) learned = Math.max(learned, model.scoreNormalised(part));
        if (learned < InjectionDetector.MODEL_POINT) return new InjectionVerdict(Math.max(learned, signals.score()), signals.signals(), learned);
        List<String> named = new ArrayList<>(signals.signals());
        named.add(InjectionSignals.LEARNED_MODEL);
        double capped = Math.min(learned, InjectionDetector.MODEL_CAP);
        double score = signals.score() >= InjectionDetector.MODEL_POINT ? 1 - (1 - signals.score()) * (1 - capped) : Math.max(capped, signals.score());
        return new InjectionVerdict(score, named, learned);
    }

    private static InjectionVerdict stronger(InjectionVerdict a, InjectionVerdict b) {
        if (b.signals().isEmpty()) return a;
        List<String> named = new ArrayList<>();
        for (String id : InjectionSignals.ALL) if (a.signals().contains(id) || b.signals().contains(id)) named.add(id);
        return new InjectionVerdict(Math.max(a.score(), b.score()), named);
    }

    static InjectionVerdict phrases(String text, List<String> decoded) {
        if (text == null || text.isEmpty()) return InjectionVerdict.NONE;
        SignalWeights weights = new SignalWeights();
        ReferenceTokens words = ReferenceTokens.ofAscii(text);
        String visible = text;
        if (words == null) {
            InvisibleCharacters.Scan invisible = InvisibleCharacters.scan(text);
            visible = invisible.visible();
            weighInvisible(invisible, weights);
            Homoglyphs.Scan h = Homoglyphs.scan(visible);
            if (h.mixedWords() >= 3) weights.raise(HOMOGLYPHS, 0.6);
            else if (h.mixedWords() > 0) weights.raise(HOMOGLYPHS, 0.45);
            else if (h.styledWords() > 0) weights.raise(HOMOGLYPHS, 0.3);
            words = ReferenceTokens.of(TextFolding.fold(visible));
        }
        ALL_PHRASES.scan(words.asTokens(), weights);
        double roleTags = RoleTags.scan(words.text());
        if (roleTags > 0) weights.raise(ROLE_TAG_INJECTION, roleTags);
        List<String> texts = decoded != null ? decoded : ReferenceEncodedPayloads.decodedTexts(visible);
        boolean rot13 = ENGLISH_PHRASES.mayMatchRot13(words.asTokens());
        if (rot13 || !texts.isEmpty()) {
            SignalWeights found = new SignalWeights();
            if (rot13) ENGLISH_PHRASES.scan(words.asTokens().rot13(), found);
            for (String t : texts) found.raiseAll(phrasesIn(t), 0);
            if (found.strongest() >= DECODED_MINIMUM) {
                weights.raiseAll(found, DECODED_MINIMUM);
                weights.raise(ENCODED_PAYLOAD, InjectionScorer.ENCODED_WEIGHT);
            }
        }
        return weights.verdict();
    }

    private static void weighInvisible(InvisibleCharacters.Scan scan, SignalWeights weights) {
        if (!scan.hiddenText().isEmpty()) {
            SignalWeights hidden = phrasesIn(scan.hiddenText());
            if (hidden.strongest() >= DECODED_MINIMUM) {
                weights.raiseAll(hidden, DECODED_MINIMUM);
                weights.raise(INVISIBLE_CHARACTERS, InjectionScorer.HIDDEN_PHRASE_WEIGHT);
            }
        }
        if (scan.strayTags() > 0) weights.raise(INVISIBLE_CHARACTERS, InjectionScorer.STRAY_TAGS_WEIGHT);
        if (scan.suspicious() >= 10) weights.raise(INVISIBLE_CHARACTERS, 0.6);
        else if (scan.suspicious() >= 3) weights.raise(INVISIBLE_CHARACTERS, 0.4);
    }

    private static SignalWeights phrasesIn(String text) {
        SignalWeights found = new SignalWeights();
        ALL_PHRASES.scan(ReferenceTokens.of(TextFolding.fold(text)).asTokens(), found);
        return found;
    }
}
