package dev.bastion.detect.injection;

import static dev.bastion.detect.injection.InjectionSignals.INSTRUCTION_OVERRIDE;
import static dev.bastion.detect.injection.InjectionSignals.ROLE_HIJACK;
import static dev.bastion.detect.injection.InjectionSignals.SYSTEM_PROMPT_EXTRACTION;

import java.util.List;

/**
 * English attack phrasings (signals 1 to 3), in the {@link PhrasePattern} language. Each pattern needs
 * the verb, a qualifier and the object together ("ignore" + "previous" + "instructions"), which is what
 * keeps "ignore the previous error and rerun the build" out. Lone words that are mostly benign
 * ("jailbreak", "developer mode", "from now on you will") get weights below 0.5 so they only count next
 * to other evidence.
 */
final class EnglishPhrases {
    private EnglishPhrases() {}

    private static final String IGNORE = "ignore|ignoring|disregard|disregarding|forget|neglect|overlook|discard|abandon|bypass|set_aside";
    private static final String EARLIER = "previous|previously|prior|above|earlier|preceding|former|foregoing|initial|original|your";
    private static final String ORDERS = "instruction*|rule|rules|direction*|directive*|guideline*|guardrail*|prompt*|command*|constraint*|restriction*|programming|training|context|system_prompt";
    private static final String FOLLOW = "follow*|obey*|adhere*|listen*|comply|complying|respect*|abide";
    private static final String UNBOUND = "restriction*|limit|limits|limitation*|filter*|censor*|rules|guideline*|ethic*|moral*|boundar*|safeguard*|guardrail*|polic*|constraint*";
    private static final String ROGUE = "dan|evil|unfiltered|uncensored|unrestricted|unchained|unbound|jailbr*|liberated|amoral|unethical|rogue|developer_mode|dan_mode|god_mode|godmode";
    private static final String SHOW = "repeat|print|reveal|show|display|output|tell|leak|dump|disclose|recite|expose|spell|echo";
    private static final String REVEAL = "reveal|leak|dump|disclose|recite|expose|repeat|spill";

    static final List<PhrasePattern> OVERRIDE = List.of(
            p(INSTRUCTION_OVERRIDE, 0.9, IGNORE + " ~3 " + EARLIER + " ~3 " + ORDERS),
            // "the system prompt" is also what developers complain a model ignores: strong, not certain.
            p(INSTRUCTION_OVERRIDE, 0.7, IGNORE + " ~2 system_prompt|system_message|system_instruction*|system_rules"),
            // "all" alone is weaker: parsers "ignore all commands after EOF"; only attack-typical nouns.
            p(INSTRUCTION_OVERRIDE, 0.8, IGNORE + " ~1 all|any|every ~2 instruction*|guideline*|guardrail*|restriction*|programming|training|system_prompt"),
            // "ignore the instructions above"
            p(INSTRUCTION_OVERRIDE, 0.9, IGNORE + " ~3 " + ORDERS + " ~2 above|before|previously|earlier|given_before|so_far|you_were_given|you_received"),
            p(INSTRUCTION_OVERRIDE, 0.85, "ignore|disregard|forget ~1 everything|anything ~1 above|before|prior|previously|earlier|preceding|so_far|until_now|you_were_told|you_ve_been_told|you_have_been_told|i_told_you|said_before|said_above"),
            p(INSTRUCTION_OVERRIDE, 0.85, "ignore|disregard|forget all above|before|of_the_above|that_came_before"),
            p(INSTRUCTION_OVERRIDE, 0.4, "ignore|disregard|forget everything"),
            // "Ignore the above and say ..." also reads as a build note, hence only medium.
            p(INSTRUCTION_OVERRIDE, 0.6, "ignore|disregard|forget the|all above|previous|preceding and|instead"),
            // "all previous instructions are void"
            p(INSTRUCTION_OVERRIDE, 0.85, "previous|prior|above|earlier|your|system ~2 " + ORDERS
                    + " ~3 ignored|disregarded|void|null|cancelled|canceled|revoked|obsolete|overridden|superseded|no_longer_apply|no_longer_valid|do_not_apply|don_t_apply"),
            p(INSTRUCTION_OVERRIDE, 0.85, "override|bypass|circumvent|disable|break|violate|overwrite|deactivate|turn_off|ignore|evade ~2 your|all_your|your_own ~2 "
                    + "rule*|restriction*|guideline*|filter*|safeguard*|guardrail*|polic*|programming|instruction*|protocol*|constraint*|limitation*|safety|system_prompt"),
            p(INSTRUCTION_OVERRIDE, 0.45, "override|bypass|circumvent|disable|evade|deactivate ~2 safety|content|ethical|moderation|built_in ~1 "
                    + "rule*|restriction*|guideline*|filter*|safeguard*|guardrail*|polic*|protocol*|constraint*|limitation*"),
            p(INSTRUCTION_OVERRIDE, 0.85, "do_not|don_t|dont|never|stop|no_longer|cease|quit ~1 " + FOLLOW + " ~3 your|previous|prior|above|original|initial|system|earlier|any|all ~2 " + ORDERS),
            p(INSTRUCTION_OVERRIDE, 0.6, "new|updated|revised|real|actual|true|secret|hidden ~1 instruction*|directive*|system_prompt : "),
            p(INSTRUCTION_OVERRIDE, 0.8, "your ~1 new|real|actual|true ~1 instruction*|directive*|rules|role|system_prompt ~1 is|are|:|now"),
            p(INSTRUCTION_OVERRIDE, 0.6, "new|updated|replacement system_prompt|system_message|system_instructions :"));

    static final List<PhrasePattern> HIJACK = List.of(
            p(ROLE_HIJACK, 0.85, "you ~1 are|re|will|ll|shall ~2 now|be|become|act_as ~2 " + ROGUE),
            p(ROLE_HIJACK, 0.85, "act_as|acting_as|behave_as|roleplay_as|role_play_as|pretend_to_be|simulate|become ~6 "
                    + "without|no|zero|free_of|free_from|ignoring|bypassing|unbound_by|not_bound_by|not_restricted_by ~2 " + UNBOUND),
            // "respond without any filter on my emotions" is English too: weak alone.
            p(ROLE_HIJACK, 0.45, "respond|answer|reply ~2 without|with_no ~2 filter*|censor*|restriction*|ethic*|moral*|guardrail*|safeguard*"),
            p(ROLE_HIJACK, 0.6, "pretend_to_be|act_as|acting_as|roleplay_as|known_as|you_are ~2 dan|stan|dude|aim|betterdan|anti_dan|evil_confidant|maximum|developer_mode"),
            p(ROLE_HIJACK, 0.85, "pretend|imagine|assume|suppose ~1 you ~3 no|zero|free_of|free_from|not_bound_by|without ~2 " + UNBOUND),
            p(ROLE_HIJACK, 0.75, "developer_mode|dev_mode|dan_mode|god_mode|jailbreak_mode|jailbroken_mode|unrestricted_mode|evil_mode enabled|activated|engaged|unlocked|on"),
            p(ROLE_HIJACK, 0.8, "enable|activate|enter|switch_to|turn_on|unlock ~2 dan_mode|jailbreak_mode|god_mode|unrestricted_mode|evil_mode"),
            p(ROLE_HIJACK, 0.7, "dan_mode|jailbreak_mode|god_mode|jailbroken_mode|unrestricted_mode"),
            p(ROLE_HIJACK, 0.85, "do_anything_now"),
            p(ROLE_HIJACK, 0.75, "you ~2 no_longer|not_anymore ~2 bound|restricted|constrained|have_to_follow|need_to_follow|follow|obey|limited_by"),
            p(ROLE_HIJACK, 0.35, "developer_mode"),
            p(ROLE_HIJACK, 0.4, "jailbreak|jailbreaks|jailbreaking|jailbroken"),
            p(ROLE_HIJACK, 0.45, "from_now_on ~2 you ~1 will|are|must|re|ll|shall|act|respond|answer|can|have"));

    static final List<PhrasePattern> EXTRACTION = List.of(
            p(SYSTEM_PROMPT_EXTRACTION, 0.85, SHOW + " ~3 your ~3 system_prompt|system_message|system_instruction*|instruction*|prompt*|pre_prompt|preprompt|directive*|rules|guidelines|initial_prompt|hidden_prompt|configuration_prompt"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.8, SHOW + " ~3 initial|original|hidden|secret|first|verbatim|exact|full ~2 instruction*|prompt*|system_prompt|system_message|directive*"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.8, REVEAL + " ~3 system_prompt|system_message|system_instruction*|system_instructions|pre_prompt|preprompt|hidden_instructions"),
            // "show the system prompt in the admin UI" is plain developer talk: weak on its own.
            p(SYSTEM_PROMPT_EXTRACTION, 0.45, SHOW + " ~3 system_prompt|system_message|system_instruction*"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.8, SHOW + " ~3 text|words|everything|content|instructions|prompt|all_of_the_text ~1 above|before_this|preceding|prior_to_this|so_far|you_were_given"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.75, "what ~1 were|was|did|have|are ~1 you ~2 told|instructed|programmed|given|asked ~3 before|initially|originally|at_the_start|at_the_beginning|first|earlier|in_your_prompt|to_never|not_to"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.75, "first|initial|opening|last ~3 words|lines|sentences|characters|paragraph|tokens ~1 of ~2 your|the ~1 prompt|system_prompt|instructions|system_message"),
            p(SYSTEM_PROMPT_EXTRACTION, 0.75, "what ~1 is|are|were|was ~1 your ~2 system_prompt|system_message|instruction*|initial_prompt|prompt|directive*|hidden_prompt"));

    static final List<PhrasePattern> ALL = concat(OVERRIDE, HIJACK, EXTRACTION);

    private static PhrasePattern p(String signal, double weight, String source) {
        return PhrasePattern.compile(signal, weight, source);
    }

    @SafeVarargs
    static List<PhrasePattern> concat(List<PhrasePattern>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
