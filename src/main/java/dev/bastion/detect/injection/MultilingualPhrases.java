package dev.bastion.detect.injection;

import static dev.bastion.detect.injection.InjectionSignals.MULTILINGUAL_OVERRIDE;
import static dev.bastion.detect.injection.InjectionSignals.SYSTEM_PROMPT_EXTRACTION;

import java.util.ArrayList;
import java.util.List;

/**
 * Override and extraction phrasings in Spanish, French, German, Portuguese, Italian, Russian, Chinese
 * and Japanese. Overrides report {@code multilingual_override}; extractions report
 * {@code system_prompt_extraction} like their English twins. Text is folded first, so accents are
 * optional ({@code précédentes} = {@code precedentes}) and Russian inflections are caught by stems
 * ({@code инструкци*}). Word order differs between languages, so each override is tried verb first
 * with the qualifier before or after the noun ("ignora las instrucciones anteriores") and verb last
 * ("alle vorherigen Anweisungen ignorieren", "以前の指示を無視して"). For Chinese and Japanese each
 * character is a word, so gaps count characters.
 */
final class MultilingualPhrases {
    private MultilingualPhrases() {}

    private static final double OVERRIDE_WEIGHT = 0.85;
    private static final double EXTRACTION_WEIGHT = 0.8;

    static final List<PhrasePattern> ALL;

    static {
        List<PhrasePattern> all = new ArrayList<>();
        override(all, "es",
                "ignora|ignore|ignorar|ignoren|ignoreis|olvida|olvide|olviden|olvidar|descarta|descarte|omite|omita|desobedece|no_sigas|no_siga|no_sigan|no_hagas_caso_a|no_hagas_caso_de",
                "todas|tus|sus|anteriores|previas|previos|de_arriba|iniciales|originales|del_sistema|anteriormente|que_te_dieron",
                "instrucciones|instruccion|indicaciones|reglas|ordenes|directrices|normas|directivas");
        override(all, "fr",
                "ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|ne_suis_pas|ne_suivez_pas|ne_tiens_pas_compte_des|ne_tenez_pas_compte_des|fais_abstraction_des|faites_abstraction_des",
                "toutes|tous|tes|vos|precedentes|precedents|anterieures|anterieurs|ci_dessus|initiales|originales|du_systeme|systeme",
                "instructions|consignes|regles|directives|indications|ordres|commandes");
        override(all, "de",
                "ignoriere|ignorieren|ignorier|ignoriert|vergiss|vergesst|vergessen|missachte|missachten|befolge_nicht|befolgen_sie_nicht",
                "alle|vorherigen|vorherige|bisherigen|bisherige|vorigen|obigen|fruheren|vorangegangenen|deine|ihre|ursprunglichen|system",
                "anweisungen|anweisung|instruktionen|befehle|regeln|vorgaben|anordnungen|richtlinien|systemanweisungen|systemprompt|systemprompts");
        override(all, "pt",
                "ignore|ignora|ignorar|ignorem|esqueca|esquece|esquecer|esquecam|desconsidere|desconsidera|desconsiderar|nao_siga|nao_sigas|nao_obedeca",
                "todas|suas|tuas|anteriores|previas|acima|iniciais|originais|do_sistema|anteriormente",
                "instrucoes|instrucao|regras|orientacoes|ordens|diretrizes|comandos|diretivas");
        override(all, "it",
                "ignora|ignorate|ignorare|ignori|dimentica|dimenticate|dimenticare|non_seguire|non_seguite|trascura|trascurate",
                "tutte|tue|le_tue|precedenti|sopra|anteriori|iniziali|originali|di_sistema|del_sistema",
                "istruzioni|regole|indicazioni|direttive|ordini|comandi|istruzione");
        override(all, "ru",
                "игнорир*|проигнорир*|забудь|забудьте|забыть|отбрось|отбросьте|отмени|отмените|не_обращай_внимания_на|не_обращайте_внимания_на|не_следуй|не_следуйте|не_выполняй",
                "все|всех|предыдущ*|прежн*|ранее|выше|вышеуказанн*|изначальн*|исходн*|систем*|свои|твои|ваши",
                "инструкци*|указани*|правил*|команд*|установк*|директив*|промпт*|распоряжени*");
        override(all, "zh",
                "忽略|无视|忽视|忘记|忘掉|不要理会|不要遵循|不要遵守|不再遵守|跳过|放弃|抛开|丢弃|撇开",
                "之前|以前|先前|上面|以上|上述|前面|所有|全部|一切|原来|原始|原先|系统|你的|早先",
                "指令|指示|命令|规则|提示|提示词|约束|限制|设定");
        override(all, "ja",
                "無視|忘れ|従わない|従うな",
                "以前|前の|これまで|上記|上の|すべて|全て|今まで|先ほど|先程|最初|元の|システム|あなたの",
                "指示|命令|指令|ルール|プロンプト|制約|制限");

        extraction(all, "muestra|muestrame|ensena|ensename|revela|revelame|repite|imprime|dime|escribe|dame|comparte|mostrar|revelar",
                "prompt_del_sistema|prompt_de_sistema|instrucciones_iniciales|instrucciones_del_sistema|mensaje_del_sistema|indicaciones_iniciales|instrucciones_originales|prompt_inicial|instrucciones_ocultas|tus_instrucciones");
        extraction(all, "montre|montrez|affiche|affichez|revele|revelez|repete|repetez|donne|donnez|dis|dites|ecris|ecrivez|imprime|imprimez|reveler|afficher",
                "prompt_systeme|prompt_du_systeme|instructions_initiales|consignes_initiales|message_systeme|message_du_systeme|instructions_systeme|instructions_d_origine|instructions_originales|instructions_cachees|tes_instructions|vos_instructions");
        extraction(all, "zeig|zeige|zeigen|gib|nenne|nennen|wiederhole|wiederholen|verrate|verraten|drucke|schreibe|schreib|ausgeben",
                "systemprompt|system_prompt|systemanweisungen|systemanweisung|anfangsanweisungen|ursprunglichen_anweisungen|initialen_anweisungen|systemnachricht|versteckten_anweisungen|deine_anweisungen|ihre_anweisungen");
        extraction(all, "mostre|mostra|mostrar|revele|revela|revelar|repita|repete|imprima|diga|me_diga|exiba|escreva|me_de|compartilhe",
                "prompt_do_sistema|prompt_de_sistema|instrucoes_iniciais|instrucoes_do_sistema|mensagem_do_sistema|instrucoes_originais|instrucoes_ocultas|suas_instrucoes");
        extraction(all, "mostra|mostrami|rivela|rivelami|ripeti|stampa|dimmi|scrivi|dammi|mostrare|rivelare",
                "prompt_di_sistema|prompt_del_sistema|istruzioni_iniziali|istruzioni_di_sistema|messaggio_di_sistema|istruzioni_originali|istruzioni_nascoste|tue_istruzioni");
        extraction(all, "покажи|покажите|выведи|выведите|раскрой|раскройте|повтори|повторите|напиши|напишите|скажи|скажите|расскажи|распечатай|сообщи",
                "систем* ~1 промпт*|инструкци*|сообщени*|подсказк*|запрос*|указани*");
        extraction(all, "покажи|покажите|выведи|выведите|раскрой|раскройте|повтори|повторите|напиши|напишите|скажи|скажите|расскажи|распечатай|сообщи",
                "начальн*|исходн*|первоначальн*|скрыт*|свой|свои|твой|твои|ваш|ваши ~1 промпт*|инструкци*|указани*");
        extraction(all, "输出|显示|告诉我|重复|打印|泄露|展示|给我看|透露|说出|复述|写出|列出",
                "系统提示|系统提示词|系统指令|系统消息|初始指令|初始提示|原始指令|原始提示|你的指令|你的提示词|隐藏指令|预设指令");
        // Japanese puts the verb last: "システムプロンプトを教えて".
        all.add(p(SYSTEM_PROMPT_EXTRACTION, EXTRACTION_WEIGHT,
                "システムプロンプト|初期指示|最初の指示|システム指示|システムメッセージ|元の指示|隠された指示|あなたの指示 ~4 教え|表示|見せ|出力|繰り返|公開|書き出|示し"));
        ALL = List.copyOf(all);
    }

    /** Verb first (qualifier before or after the noun) and verb last. Gaps count words, or characters in zh/ja. */
    private static void override(List<PhrasePattern> out, String language, String verbs, String qualifiers, String nouns) {
        int gap = language.equals("zh") || language.equals("ja") ? 6 : 3;
        out.add(p(MULTILINGUAL_OVERRIDE, OVERRIDE_WEIGHT, verbs + " ~" + gap + " " + qualifiers + " ~" + gap + " " + nouns));
        out.add(p(MULTILINGUAL_OVERRIDE, OVERRIDE_WEIGHT, verbs + " ~" + gap + " " + nouns + " ~2 " + qualifiers));
        out.add(p(MULTILINGUAL_OVERRIDE, OVERRIDE_WEIGHT, qualifiers + " ~" + gap + " " + nouns + " ~" + gap + " " + verbs));
    }

    private static void extraction(List<PhrasePattern> out, String verbs, String objects) {
        out.add(p(SYSTEM_PROMPT_EXTRACTION, EXTRACTION_WEIGHT, verbs + " ~4 " + objects));
    }

    private static PhrasePattern p(String signal, double weight, String source) {
        return PhrasePattern.compile(signal, weight, source);
    }
}
