package dev.bastion.detect.injection;

import java.util.List;

/** The stable ids an {@link InjectionVerdict} reports; they are part of the output contract, so never rename one. */
public final class InjectionSignals {
    public static final String INSTRUCTION_OVERRIDE = "instruction_override";
    public static final String ROLE_HIJACK = "role_hijack";
    public static final String SYSTEM_PROMPT_EXTRACTION = "system_prompt_extraction";
    public static final String ROLE_TAG_INJECTION = "role_tag_injection";
    public static final String ENCODED_PAYLOAD = "encoded_payload";
    public static final String INVISIBLE_CHARACTERS = "invisible_characters";
    public static final String HOMOGLYPHS = "homoglyphs";
    public static final String MULTILINGUAL_OVERRIDE = "multilingual_override";
    /** The learned model ({@link InjectionModel}) scored the text at or above its operating point. */
    public static final String LEARNED_MODEL = "learned_model";

    /** Every phrase-signal id, in the order verdicts list them; {@link #LEARNED_MODEL} comes after them. */
    public static final List<String> ALL = List.of(INSTRUCTION_OVERRIDE, ROLE_HIJACK, SYSTEM_PROMPT_EXTRACTION, ROLE_TAG_INJECTION,
            ENCODED_PAYLOAD, INVISIBLE_CHARACTERS, HOMOGLYPHS, MULTILINGUAL_OVERRIDE);

    private InjectionSignals() {}
}
