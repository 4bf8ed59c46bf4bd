package dev.bastion.detect.injection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Words mapped to the roles they play in attacks, so the linear model can learn "an override verb near a
 * word for instructions" once instead of once per wording and language: {@code vergiss}, {@code disregard}
 * and {@code olvida} are all {@link #OVERRIDE}, {@code Anweisungen}, {@code guidelines} and
 * {@code consignes} all {@link #RULES}. {@link NgramFeatures} emits a feature per class word and per pair
 * of classes a few words apart.
 *
 * <p>Written from general knowledge of attack classes (override, extraction, persona jailbreaks, agent
 * hijacking, output manipulation) in English, German, Spanish, French, Italian and Portuguese, with the
 * core override and extraction words in Dutch, Turkish, Russian, Hindi, Arabic, Bengali, Persian, Indonesian
 * and Polish (familiar and polite forms) — not from any corpus row. Entries are folded as {@link InjectionText} folds text (lower case, Latin accents off), so they may be written either way.
 * English inflections ({@code ignores}, {@code ignored}, {@code ignoring}) are added to every entry; a
 * made-up form that is no word costs nothing.
 *
 * <p>Words that are as common in ordinary text as in attacks were left out where the pairs they make would
 * mostly be benign: "follow" (a label's instructions), "type", "text" and "content" (the keys and values of
 * every MCP tool result's JSON, each scored as a text of its own).
 *
 * <p>A word is looked up by the hash {@link NgramFeatures#emit} computes anyway: a bit of a small filter first
 * (clear for most words, which ends it), then an open-addressed table a quarter full.
 */
final class ConceptLexicon {
    static final int OVERRIDE = 1, RULES = 2, PRIOR = 3, AI = 4, PRIVILEGED = 5, REVEAL = 6, SECRET = 7, PERSONA = 8,
            UNBOUND = 9, NEGATION = 10, ACTION = 11, LINK = 12, READING = 13, NOTICE = 14, REPLACEMENT = 15, OUTPUT = 16,
            OBLIGATION = 17, HARM = 18, ENCODING = 19, SPAN = 20, YOU = 21, START = 22, USER = 23, STEALTH = 24, MODE = 25,
            FICTION = 26;
    /** Classes are below this, so a pair of classes is one small number. */
    static final int CLASSES = 32;

    private static final Map<Integer, String> WORDS = new LinkedHashMap<>();

    static {
        WORDS.put(OVERRIDE, """
                ignore disregard forget skip override overrule bypass circumvent discard drop abandon dismiss neglect
                evade sidestep suspend disable deactivate cancel revoke erase unlearn nullify void
                ignoriere ignorieren ignoriert vergiss vergessen vergesst missachte missachten uberspringe umgehe
                umgehen verwirf deaktiviere
                ignora ignorar ignoren ignores olvida olvidar olvide olviden omite omitir descarta descartar desatiende
                salta evita anula desactiva
                oublie oubliez oublier ignorez ignorer neglige negligez contourne contournez abandonne abandonnez
                desactive annule
                dimentica dimenticare dimenticate ignorate tralascia trascura scarta salta aggira disattiva annulla
                esqueca esquecer esquece ignore desconsidere desconsiderar despreze descarte pule contorne desative
                negeer negeren vergeet unut görmezden игнорируй игнорировать проигнорируй забудь отбрось अनदेखा नज़रअंदाज़ भूल
                تجاهل تتجاهل انسى أهمل উপেক্ষা ভুলে نادیده فراموش abaikan lupakan acuhkan zignoruj ignoruj zapomnij pomin
                игнорируйте проигнорируйте забудьте yoksayın unutun
                """);
        WORDS.put(RULES, """
                instruction instructions rule rules guideline guidelines direction directions directive directives
                prompt prompts constraint constraints policy policies restriction restrictions limitation limitations
                limit limits filter filters guardrail guardrails safeguard safeguards programming training command
                commands setting settings configuration protocol protocols principles ethics morals
                boundaries
                anweisung anweisungen regel regeln richtlinie richtlinien vorgabe vorgaben befehl befehle
                einschrankung einschrankungen beschrankungen anordnungen vorschriften grenzen
                instruccion instrucciones regla reglas norma normas directriz directrices restriccion restricciones
                indicacion indicaciones limitaciones politicas
                consigne consignes regle regles directive restrictions limites politiques
                istruzione istruzioni regola regole direttiva direttive restrizione restrizioni limitazioni limiti
                politiche
                instrucao instrucoes regra regras diretriz diretrizes restricao restricoes limitacoes politicas
                instructies regels richtlijnen talimatları talimatlar kurallar kuralları инструкции инструкций указания правила निर्देश निर्देशों नियम नियमों
                التعليمات تعليمات تعليماتك القواعد قواعد قواعدك الأوامر الإرشادات নির্দেশনা নির্দেশ নির্দেশগুলো নিয়ম নিয়মগুলো دستورات دستورالعمل دستورالعملها قوانین instruksi petunjuk aturan aturanmu perintah instrukcje instrukcji polecenia polecen zasady zasad reguły reguly
                talimatları yönergeleri yönergeler kuralları kurallarınızı указания инструкции правила निर्देशों
                """);
        WORDS.put(PRIOR, """
                previous prior above earlier preceding initial original former old existing aforementioned foregoing
                past preset default
                vorherige vorherigen vorherigen bisherige bisherigen obige obigen ursprungliche ursprunglichen
                fruheren alten vorangegangenen vorigen
                anterior anteriores previa previas previo previos original originales iniciales antiguas precedentes
                precedente precedentes anterieure anterieures initiale initiales ancienne anciennes
                precedenti precedente iniziali originali vecchie
                iniciais antigas
                vorige eerdere önceki предыдущие предыдущих прежние पिछले
                السابقة السابق أعلاه الأصلية আগের পূর্ববর্তী উপরের قبلی sebelumnya poprzednie poprzednich wczesniejsze powyzej
                """);
        WORDS.put(AI, """
                assistant ai model chatbot bot gpt chatgpt llm llms claude gemini copilot agent agents
                assistent assistentin ki modell
                asistente ia modelo
                assistante modele
                assistente modello
                """);
        WORDS.put(PRIVILEGED, """
                system developer developers admin administrator administrators root sudo superuser operator
                creator creators owner openai anthropic maintainer
                systems entwickler administrador desarrollador systeme developpeur administrateur sistema
                sviluppatore amministratore desenvolvedor
                """);
        WORDS.put(REVEAL, """
                reveal print show display output repeat tell disclose leak expose share recite dump echo divulge
                spill paste copy list return
                zeige zeig zeigen verrate verraten gib nenne nennen wiederhole wiederholen drucke ausgeben teile
                revela revelar muestra mostrar dime decir imprime imprimir repite repetir comparte compartir dame
                revele revelez montre montrez affiche affichez dis dites repete repetez donne donnez imprime partage
                rivela rivelare mostra mostrami dimmi stampa ripeti condividi dammi
                mostre diga dizer imprima repita compartilhe
                toon herhaal göster söyle tekrarla покажи выведи повтори скажи दिखाओ बताओ दोहराओ
                اعرض أظهر اكشف أخبرني كرر দেখাও বলো نشان بگو tampilkan tunjukkan ulangi sebutkan pokaz powiedz powtorz wypisz podaj ujawnij
                покажите скажите повторите назовите сообщите gösterin söyleyin tekrarlayın दिखाइए बताइए बताएं बताएँ दोहराएं लिखिए
                """);
        WORDS.put(SECRET, """
                secret secrets password passwords passcode passphrase key keys apikey token tokens credential
                credentials confidential hidden private internal pin
                geheim geheime geheimen geheimnis passwort kennwort schlussel vertraulich vertrauliche versteckte
                secreto secreta secretos contrasena clave claves oculto oculta ocultas confidencial
                secrete secretes motdepasse cle cles cache cachee cachees confidentiel confidentielle
                segreto segreta segreti chiave chiavi nascosto nascoste riservato riservata
                segredo senha senhas chave chaves oculto confidencial
                wachtwoord geheime şifre gizli пароль секретный секрет पासवर्ड गुप्त
                السرية السري سرية المخفية مخفية পাসওয়ার্ড গোপন رمز مخفی پنهان محرمانه rahasia sandi hasło hasła haslo hasla tajne tajny ukryte
                parolayı şifreyi anahtar пароль паролем ключ कुंजी
                """);
        WORDS.put(PERSONA, """
                pretend roleplay role act acting persona character imagine simulate simulation impersonate embody
                become behave portray
                rolle spiele spiel vorgeben stell
                finge fingir finjamos papel personaje imagina actua actuar interpreta
                semblant personnage imagine joue jouer incarne
                fingi fingere ruolo personaggio immagina interpreta
                finja fingir personagem imagine atue interprete
                """);
        WORDS.put(UNBOUND, """
                unrestricted unfiltered uncensored unlimited limitless unbound unchained unleashed amoral unethical
                immoral lawless jailbroken jailbreak jailbreaking dan freed liberated rogue evil unhinged
                uneingeschrankt uneingeschrankte unzensiert unzensierte unbegrenzt bose
                censura ilimitado ilimitada malvado
                censure illimite illimitee malveillant
                illimitato illimitata malvagio
                ilimitado malvado
                """);
        WORDS.put(NEGATION, """
                no not never without none nor don doesn didn won cannot
                nicht kein keine keinen ohne nie niemals
                sin nunca ni ningun ninguna
                ne pas sans jamais aucun aucune
                non senza mai nessun nessuna
                nao sem jamais nenhum nenhuma
                """);
        WORDS.put(ACTION, """
                send forward email mail call execute run delete remove transfer visit click open download upload
                post include insert append add navigate fetch invoke pay wire buy purchase browse redirect
                exfiltrate subscribe approve grant
                sende senden schicke schicken leite losche loschen uberweise klicke klicken offne offnen fuhre
                besuche fuge
                envia enviar reenvia borra borrar elimina eliminar transfiere visita abre ejecuta incluye anade
                haz clic
                envoie envoyez envoyer transfere supprime supprimez clique cliquez visite ouvre ouvrez execute
                ajoute ajoutez inclus incluez
                invia inviare inoltra cancella trasferisci clicca visita apri esegui aggiungi includi
                envie encaminhe apague exclua transfira clique visite abra execute adicione inclua
                """);
        WORDS.put(LINK, """
                link links url urls website site webpage http https www domain endpoint webhook server href
                lien liens enlace enlaces sitio collegamento
                """);
        WORDS.put(READING, """
                reading read summarize summarise summarizing summarising summary processing process parse parsing
                analyzing analysing analyze analyse reviewing scanning crawling indexing browsing retrieving
                liest lesen zusammenfassung zusammenfassen leyendo resume resumen resumir lisant lis resumer
                leggendo riassumi riassunto lendo resumo resumir
                """);
        WORDS.put(NOTICE, """
                note attention important urgent reminder warning notice psst hey attn nb ps
                hinweis achtung wichtig dringend nota atencion importante urgente remarque attenzione
                """);
        WORDS.put(REPLACEMENT, """
                new instead now henceforth onwards hereafter
                neue neuen neues stattdessen jetzt nun sofort
                nuevas nuevos nuevo nueva ahora vez lugar
                nouvelles nouveau nouvelle nouveaux maintenant desormais plutot lieu
                nuove nuovo nuova nuovi ora adesso invece
                novas novos novo nova agora inves
                """);
        WORDS.put(OUTPUT, """
                response responses reply replies answer answers respond say says write output outputs
                completion
                antwort antworte antworten sage sag schreibe schreib ausgabe
                respuesta respuestas responde responder escribe salida
                reponse reponses reponds repondez ecris ecrivez sortie
                risposta risposte rispondi scrivi
                resposta respostas responda escreva saida
                """);
        WORDS.put(OBLIGATION, """
                must obey comply always only required mandatory shall
                muss musst mussen gehorche immer nur
                debes debe obedece obedecer siempre solo solamente
                dois doit devez obeis obeissez toujours seulement uniquement
                devi deve obbedisci sempre soltanto
                deves obedeca sempre apenas somente
                """);
        WORDS.put(HARM, """
                bomb bombs explosive explosives weapon weapons gun guns malware virus ransomware keylogger exploit
                hack hacking phishing steal stealing drug drugs meth methamphetamine cocaine heroin poison kill
                murder suicide terrorist terrorism illegal illegally fraud counterfeit launder laundering trafficking
                napalm bioweapon harass harassment racist defamatory misinformation propaganda extremist violent
                violence smuggle shoplift
                bombe waffe waffen sprengstoff droge drogen gift toten hacken stehlen betrug
                bomba arma armas explosivo drogas veneno matar ilegal robar fraude
                arme armes explosif drogue drogues tuer voler
                esplosivo veleno uccidere illegale rubare frode
                roubar
                """);
        WORDS.put(ENCODING, """
                encode encoded encoding base64 hex hexadecimal rot13 binary cipher backwards reverse reversed
                verbatim acrostic morse ascii
                kodiere codifica codificar encode encodez codifique
                """);
        WORDS.put(SPAN, """
                everything words message messages conversation line lines sentence
                paragraph context
                alles nachricht todo mensaje texto tout tutto messaggio tudo mensagem
                """);
        WORDS.put(YOU, """
                you your yours yourself
                du dich dir dein deine deinen ihr ihre sie
                tu tus te usted ustedes tuyo
                vous votre vos toi ton tes
                ti tuo tua tuoi voi
                voce seu sua seus suas
                """);
        WORDS.put(START, """
                begin start starting first beginning prefix
                beginne beginnen starte zuerst
                comienza empieza empezar comienzo primero
                commence commencez debut premier
                inizia comincia prima
                comece inicie primeiro
                """);
        WORDS.put(USER, """
                user users customer customers human humans recipient recipients reader readers visitor
                benutzer nutzer kunde usuario usuarios cliente utilisateur utilisateurs utente utenti usuarios
                """);
        WORDS.put(STEALTH, """
                secretly silently quietly covertly hide conceal stealthily discreetly unnoticed
                heimlich verstecke verbirg secretamente oculta esconde silencieusement secretement cache
                segretamente nascondi silenziosamente secretamente esconda
                """);
        WORDS.put(MODE, """
                mode enabled activated unlocked enable activate unlock
                modus aktiviert modo activado activada mode active modalita attivata ativado
                """);
        WORDS.put(FICTION, """
                story novel fiction fictional hypothetical hypothetically scenario screenplay script game
                fantasy
                geschichte roman fiktiv hypothetisch historia ficticio hipotetico histoire fictif hypothetique
                storia romanzo ipotetico historia hipotetico
                """);
    }

    private static final int[] KEYS;
    private static final byte[] CLASSES_OF;
    private static final int MASK;
    private static final int SHIFT;
    /**
     * One bit per {@value #FILTER_BITS}-bit prefix of a word's spread hash, set for every word in the table: 16 KB
     * that stay in cache, where the table (7,758 words in 32,768 slots: 160 KB) does not. Most words of a text are in
     * no class, and the filter says so exactly (6 % of its bits are set; a clear one means no word here has that
     * prefix) without touching the table.
     */
    private static final long[] FILTER;
    private static final int FILTER_BITS = 17;

    static {
        Map<Integer, Integer> byHash = new LinkedHashMap<>();
        WORDS.forEach((cls, words) -> {
            for (String word : words.trim().split("\\s+")) {
                for (String form : inflections(InjectionText.normalise(word))) byHash.putIfAbsent(NgramFeatures.wordHash(form), cls);
            }
        });
        int capacity = Integer.highestOneBit(byHash.size() * 4 - 1) << 1; // at most a quarter full
        KEYS = new int[capacity];
        CLASSES_OF = new byte[capacity];
        MASK = capacity - 1;
        SHIFT = 32 - Integer.numberOfTrailingZeros(capacity);
        FILTER = new long[1 << (FILTER_BITS - 6)];
        byHash.forEach((hash, cls) -> {
            int slot = slot(hash);
            while (CLASSES_OF[slot] != 0) slot = (slot + 1) & MASK;
            KEYS[slot] = hash;
            CLASSES_OF[slot] = (byte) (int) cls;
            int bit = filterBit(hash);
            FILTER[bit >>> 6] |= 1L << bit;
        });
    }

    private ConceptLexicon() {}

    /** The class of the word whose {@link NgramFeatures#wordHash} is {@code hash}; 0 when it has none. */
    static int classOf(int hash) {
        int bit = filterBit(hash);
        if ((FILTER[bit >>> 6] & (1L << bit)) == 0) return 0;
        return classInTable(hash);
    }

    /** {@link #classOf} without the filter (the tests hold the two equal). */
    static int classInTable(int hash) {
        for (int slot = slot(hash); ; slot = (slot + 1) & MASK) {
            int cls = CLASSES_OF[slot];
            if (cls == 0 || KEYS[slot] == hash) return cls;
        }
    }

    /** The class of {@code word} (already normalised); 0 when it has none. */
    static int classOf(String word) {
        return classOf(NgramFeatures.wordHash(word));
    }

    private static int filterBit(int hash) {
        return (hash * 0x9E3779B9) >>> (32 - FILTER_BITS);
    }

    /** The hash of every word in the table. */
    static int[] hashes() {
        int[] out = new int[KEYS.length];
        int n = 0;
        for (int i = 0; i < KEYS.length; i++) if (CLASSES_OF[i] != 0) out[n++] = KEYS[i];
        return java.util.Arrays.copyOf(out, n);
    }

    /** Slots in the table. */
    static int capacity() {
        return KEYS.length;
    }

    private static int slot(int hash) {
        return (hash * 0x9E3779B9) >>> SHIFT; // Fibonacci hashing: the top bits of the word's hash, spread
    }

    private static String[] inflections(String w) {
        String stem = w.endsWith("e") ? w.substring(0, w.length() - 1) : w;
        return new String[] {w, w + "s", w + "es", w + "d", w + "ed", stem + "ed", stem + "ing", w + "ing"};
    }
}
