package dev.bastion.waf;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Unix shell and Windows command injection (CRS family 932) in one value, read the way a shell would read
 * it rather than matched against ever longer regular expressions. The value is split into words at the
 * shell's separators ({@code ; | & && || ` $( ( ) <( >(} and newlines); quotes, backslashes, carets and
 * unset variables are removed as the shell would ({@code c''at}, {@code c\at}, {@code c^m^d},
 * {@code c$@at}, {@code sh$XX}, {@code c${KK}url}); {@code $IFS} splits words; glob patterns in command
 * names and paths are matched as the shell would ({@code /bin/ca?}, {@code /usr/bin/[u]name}); brace
 * expansion is expanded ({@code {cat,/etc/passwd}}). Then every word in command position — the start of
 * the value, after a separator, after a prefix like {@code time}, {@code nohup} or {@code sudo} — is
 * looked up among known commands, and the words after it are weighed as its arguments.
 *
 * <p>Commands are of two kinds. Names that are no English word ({@code ls}, {@code whoami}, {@code wget},
 * {@code certutil}) fire glued to a separator ({@code ;wget x}), alone after one, or with any evidence;
 * at the start of a value, or after a spaced separator in the middle of one ("Skills: Python; Bash"), plain
 * words after them only count for {@link #VERB}s ({@code ls foo bar}), not for tools people name in prose
 * ("gzip compression enabled"). Names that are also words or names ({@code cat}, {@code time},
 * {@code find}, {@code echo}, {@code who}, {@code ping}) fire only with evidence a sentence does not have:
 * an option ({@code -la}, {@code --version}, {@code /c}), a path ({@code /etc/passwd}, {@code C:\}), a URL,
 * a variable, a redirection, a sensitive file name, or standing alone right after a separator that opens
 * the value ({@code ;who}). So "cat food", "time is money", "who am I", "find the best plan",
 * "tail -end of year", "; man gönnt sie sich" and Markdown's "run `npm install`" pass, and
 * {@code cat /etc/passwd}, {@code ;who}, {@code time sh -c whoami}, {@code ls foo bar} do not.
 *
 * <p>One pass to split, then one over the words: linear in the value. A value without shell syntax (no
 * separator, expansion, escape, redirection, bracket, assignment or {@code bin/}) is not split at all: only its
 * first word and the words after parentheses are looked up, which is the common case for prose.
 */
public final class CommandInjectionDetector {
    private CommandInjectionDetector() {}

    // What a command name is.
    /** Not an English word: fires with any argument. */
    static final int STRONG = 1;
    /** Runs the word after it as a command (time, nohup, sudo, env …). */
    static final int PREFIX = 2;
    /** Fires standing alone at the start of a value (tools nobody types in a form field: visudo). */
    static final int BARE = 4;
    /** A shell or interpreter: fires standing alone after any separator ({@code | sh}). */
    static final int SHELL = 8;
    /** May carry a version ({@code python3.10}, {@code gcc10.1}): then unmistakable. */
    static final int VERSIONED = 16;
    /** A Windows command: {@code bcdboot/r} is {@code bcdboot /r}. */
    static final int WIN = 32;
    /**
     * A command nobody writes as a noun at the start of a sentence, so plain words after it still make a
     * command line ({@code ls foo bar}, {@code cscli alerts list}); other tools ("gzip compression enabled",
     * "nmap scan results") need an option, path or the like there.
     */
    static final int VERB = 64;

    private static final Map<String, Integer> COMMANDS = new HashMap<>();
    private static final String[] NAMES;

    static {
        add(STRONG, """
                ls whoami uname ifconfig iwconfig netstat nslookup traceroute tracepath wget chmod chown chgrp chattr lsattr
                mkfifo mknod socat ncat netcat gcc g++ clang clang++ c89 c99 tcc gdb lldb strace ltrace busybox bsdtar zstdcat
                zstd zcat bzcat xzcat lzcat gunzip gzip bzip2 bunzip2 unxz xz 7z 7za unrar ansible visudo cscli crontab useradd
                usermod userdel groupadd adduser deluser chpasswd passwd sudo doas pkexec xxd hexdump printenv printf openssl
                ssh-keygen ssh-keyscan scp sftp rsync tftp nmap masscan zmap tcpdump tshark hping3 iptables ip6tables nft
                systemctl journalctl dmesg lsof lsblk lscpu lsmod insmod modprobe rmmod sysctl pstree pkill killall htop nproc
                getent ldd ldconfig readlink realpath shred awk gawk mawk nawk grep egrep fgrep zgrep rgrep xargs cpulimit
                lastlog lastlogin lastb kubectl podman crictl apt-get apt-cache dpkg dnf zypper npm npx pip3 pip2 setsid unshare
                nsenter capsh setcap getcap chroot runuser aria2c w3m elinks wput mysqldump psql sqlite3 redis-cli mongosh
                sqlcmd emacs umount fdisk mkfs losetup chsh chfn hostnamectl timedatectl loginctl udevadm chkconfig update-rc.d
                telinit poweroff pgrep renice ionice taskset tmux valgrind objdump readelf pidof fuser setenforce getenforce
                sestatus nohup uuencode uudecode cpio svn stdbuf unbuffer proxychains proxychains4 torify nodejs irb
                bash zsh ksh csh tcsh mksh python2 python3 php-cgi aa-disable aa-enforce aa-complain aa-status aa-audit aa-exec
                aa-genprof aa-logprof aa-autodep aa-unconfined aa-teardown aa-remove-unknown aa-mergeprof aa-cleanprof aa-easyprof
                aa-notify aa-decode aa-enabled rmt-tar rmt-dump lwp-download lwp-request lwp-mirror lwp-rget apt-key apt-mark
                apt-config redis-server redis-benchmark ssh-copy-id ssh-add ssh-agent docker-compose
                """);
        add(STRONG | BARE, """
                visudo chef-client chef-solo chef-shell chef-run chef-vault chef-apply chef-zero chef-server-ctl chef-automate
                """);
        add(STRONG | WIN, """
                powershell pwsh certutil bitsadmin wmic rundll32 regsvr32 mshta cscript wscript bcdboot bcdedit vssadmin
                wevtutil schtasks tasklist taskkill systeminfo ipconfig tracert netsh nltest icacls cacls takeown msiexec cmstp
                forfiles regedit findstr xcopy robocopy attrib wusa iwr irm iex icm iwmi gwmi saps invoke-webrequest
                invoke-restmethod invoke-expression invoke-command invoke-item invoke-wmimethod invoke-cimmethod new-object
                start-process start-bitstransfer get-wmiobject get-ciminstance set-mppreference add-mppreference
                set-executionpolicy get-content set-content add-content out-file remove-item copy-item get-childitem
                import-module new-itemproperty set-itemproperty
                """);
        add(0, """
                time nice env cat echo find cd cut column bridge fold comm flock trap who set ps id su sh dd du df ip cp mv rm
                ln od tr nl ed wc nc rmt perf perl php python ruby node lua curl dig host ping telnet ftp ssh git docker mysql
                mongo make man more less head tail sort uniq diff split join file stat kill service mount watch sleep tar zip
                unzip base64 strings tac rev dash fish which locate whereis timeout tee source eval exec export unset command
                builtin shutdown reboot halt uptime chef ab nano pico links lynx finger last groups aptitude apt yum apk snap
                pip gem cargo go fetch jobs history hostname route alias base32
                """);
        add(WIN, "type start call copy del dir ren net reg cmd");
        flag(PREFIX, "time nice nohup sudo doas strace ltrace xargs env exec command builtin timeout watch stdbuf unbuffer busybox setsid torify proxychains proxychains4 pkexec runuser");
        flag(SHELL, "sh bash zsh ksh csh tcsh dash fish mksh python python2 python3 perl ruby php node nodejs lua irb powershell pwsh cmd");
        flag(VERSIONED, "python python2 python3 perl ruby php node lua gcc g++ clang pip pip3 tcc");
        flag(VERB, """
                ls whoami uname ifconfig iwconfig ipconfig netstat chmod chown chgrp chattr lsattr mkfifo mknod printf printenv
                visudo cscli useradd usermod userdel groupadd adduser deluser chpasswd pkill killall pstree nproc lsmod insmod
                rmmod setcap getcap capsh nsenter unshare setsid runuser pkexec doas lastlog lastb getent ldd ldconfig readlink
                shred xargs zstdcat zcat bzcat xzcat lzcat gunzip bunzip2 unxz c89 c99 python2 python3 aa-disable aa-enforce
                aa-complain aa-status aa-audit aa-exec aa-genprof aa-logprof aa-autodep aa-unconfined aa-teardown
                aa-remove-unknown aa-mergeprof aa-cleanprof aa-easyprof aa-notify aa-decode aa-enabled rmt-tar rmt-dump
                lwp-download lwp-request lwp-mirror lwp-rget chef-client chef-solo chef-shell chef-run chef-vault chef-apply
                chef-zero chef-server-ctl chef-automate certutil bitsadmin wmic rundll32 regsvr32 mshta cscript wscript bcdboot
                bcdedit vssadmin wevtutil schtasks tasklist taskkill systeminfo netsh nltest icacls cacls takeown msiexec cmstp
                forfiles regedit findstr xcopy robocopy attrib wusa iwr irm iex icm iwmi gwmi saps invoke-webrequest
                invoke-restmethod invoke-expression invoke-command invoke-item invoke-wmimethod invoke-cimmethod new-object
                start-process start-bitstransfer get-wmiobject get-ciminstance set-mppreference add-mppreference
                set-executionpolicy get-content set-content add-content out-file remove-item copy-item get-childitem
                import-module new-itemproperty set-itemproperty
                """);
        NAMES = COMMANDS.keySet().toArray(new String[0]);
    }

    private static final NameTable BY_NAME = new NameTable(COMMANDS);

    /** The first two characters of every command name (ASCII pairs), for {@link Words#possible}. */
    private static final boolean[] PREFIXES = new boolean[128 * 128];

    static {
        for (String name : NAMES) PREFIXES[name.charAt(0) << 7 | name.charAt(1)] = true;
        for (String family : new String[]{"ansible", "invoke"}) PREFIXES[family.charAt(0) << 7 | family.charAt(1)] = true;
    }

    /** Arguments no sentence has: the files an attacker reads. */
    private static final Set<String> SENSITIVE = Set.of("passwd", "shadow", "win.ini", "boot.ini", "system.ini", "id_rsa", "id_dsa",
            "authorized_keys", ".bash_history", ".htpasswd", ".ssh", "sudoers", "hosts.allow");

    private static void add(int flags, String names) {
        for (String n : names.strip().split("\\s+")) COMMANDS.merge(n, flags, (a, b) -> a | b);
    }

    private static void flag(int flags, String names) {
        for (String n : names.strip().split("\\s+")) {
            if (!COMMANDS.containsKey(n)) throw new IllegalStateException("flag for an unknown command: " + n);
            COMMANDS.merge(n, flags, (a, b) -> a | b);
        }
    }

    public static boolean matches(String value) {
        return value != null && matches(value, CharClasses.of(value));
    }

    /** {@link #matches(String)} for a value whose {@link CharClasses} are known: most prose is ruled out by them. */
    public static boolean matches(String value, long classes) {
        if (value == null || value.isEmpty()) return false;
        int syntax = (classes & MAY_BE_SYNTAX) != 0 ? shellSyntax(value) : (classes & PARENTHESES) != 0 ? 2 : 1;
        if (syntax < 3 && !commandCandidate(value, syntax == 2)) return false;
        return new Words(value).scan();
    }

    /** Characters only shell syntax needs here: separators, expansions, escapes, redirections, braces, brackets, assignments. */
    private static final boolean[] SYNTAX = new boolean[128];
    /** The classes of character without which {@link #shellSyntax} finds none: its characters ({@code \n} a control), and {@code /} of {@code bin/}. */
    private static final long MAY_BE_SYNTAX = CharClasses.of(";|&`$\\{[<>=^/") | CharClasses.CONTROL;
    private static final long PARENTHESES = CharClasses.of("()");

    static {
        for (char c : ";|&`\n$\\{[<>=^".toCharArray()) SYNTAX[c] = true;
    }

    /**
     * 3 when the value holds shell syntax (or a {@code bin/} path) and must be read whole; else 2 when it
     * has parentheses, 1 when it has none. Prose mostly has no shell syntax.
     */
    private static int shellSyntax(String s) {
        boolean parens = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128) continue;
            if (SYNTAX[c]) return 3;
            if (c == '(' || c == ')') parens = true;
            else if (c == '/' && i >= 3 && s.startsWith("bin", i - 3)) return 3;
        }
        return parens ? 2 : 1;
    }

    /**
     * Without shell syntax only the first word and the words after a parenthesis stand in command
     * position: whether one of them is a known command (quotes dropped, case folded). The word is read
     * once for what could make it one — its first two characters beginning some command's name, its hash
     * in the table of names, a glob, an ending that {@link #lookup} reads as {@code .exe} or a version, a
     * dash after a tool family's name — and is copied out and looked up only then; most words of prose
     * are not. A value none of whose candidates is a command cannot match.
     */
    private static boolean commandCandidate(String s, boolean parens) {
        int n = s.length();
        for (int i = 0; i < n; ) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            int start = i, len = 0, hash = 0;
            char c0 = 0, c1 = 0, last = 0;
            boolean glob = false, dash = false;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || c == '(' || c == ')') break;
                if (c == '\'' || c == '"') continue;
                char f = folded(c);
                if (len == 0) c0 = f;
                else if (len == 1) c1 = f;
                glob |= f == '?' || f == '*' || f == '[';
                dash |= f == '-';
                hash = 31 * hash + f;
                last = f;
                len++;
            }
            // Every name is two characters or more, and every reading (.exe, a version, a family) keeps the first two.
            if (len >= 2 && len <= MAX_WORD && (glob || (c0 < 128 && c1 < 128 && PREFIXES[c0 << 7 | c1]))) {
                boolean named = BY_NAME.mayHold(hash);
                boolean otherReading = glob || last == 'e' || last == '.' || Character.isDigit(last)
                        || (dash && ((c0 == 'a' && c1 == 'n') || (c0 == 'i' && c1 == 'n')));
                if ((named || otherReading) && resolve(word(s, start, i, len), 0, len) != 0) return true;
            }
            if (!parens) return false;
            // the next candidate: after the next parenthesis
            while (i < n && s.charAt(i) != '(' && s.charAt(i) != ')') i++;
            i++;
        }
        return false;
    }

    /** Words longer than this are no command. */
    private static final int MAX_WORD = 40;

    /** Case folded as the shell's reading here does it: ASCII fast, the rest by {@link Character#toLowerCase(char)}. */
    private static char folded(char c) {
        return c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
    }

    /** The {@code len} characters of {@code s[from, to)} that are not quotes, case folded. */
    private static char[] word(String s, int from, int to, int len) {
        char[] w = new char[len];
        int k = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\'' && c != '"') w[k++] = folded(c);
        }
        return w;
    }

    /** The flags of a command word, or 0 when it is none (a known command of no flag returns {@link #KNOWN}). */
    static int lookup(String word) {
        return lookup(word.toCharArray(), 0, word.length());
    }

    /** {@link #lookup(String)} of the word {@code w[from, to)}, without making it a String. */
    static int lookup(char[] w, int from, int to) {
        int len = to - from;
        if (len == 0 || len > MAX_WORD) return 0;
        int f = BY_NAME.flags(w, from, to);
        if (f >= 0) return f | KNOWN;
        if (len > 4 && regionIs(w, to - 4, to, ".exe")) {
            f = BY_NAME.flags(w, from, to - 4);
            if (f >= 0) return f | STRONG | KNOWN;
        }
        int end = to;
        while (end > from && (Character.isDigit(w[end - 1]) || w[end - 1] == '.')) end--;
        if (end < to && end > from && Character.isDigit(w[end])) {
            f = BY_NAME.flags(w, from, end);
            // python3.10, gcc10.1, pip3: a version makes the name unmistakable ("node2" alone could be a host)
            boolean version = indexOf(w, '.', end, to) >= 0 || regionIs(w, from, end, "python") || regionIs(w, from, end, "pip") || regionIs(w, from, end, "gcc");
            if (f >= 0 && (f & VERSIONED) != 0 && version) return f | STRONG | VERB | KNOWN;
        }
        // ansible-galaxy, invoke-webrequest: a tool family by its first part
        int dash = indexOf(w, '-', from, to);
        if (dash > from && dash < to - 1 && (regionIs(w, from, dash, "ansible") || regionIs(w, from, dash, "invoke"))
                && Character.isLetter(w[dash + 1])) {
            return STRONG | BARE | VERB | KNOWN;
        }
        return 0;
    }

    private static boolean regionIs(char[] w, int from, int to, String s) {
        if (to - from != s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (w[from + i] != s.charAt(i)) return false;
        return true;
    }

    private static int indexOf(char[] w, char c, int from, int to) {
        for (int i = from; i < to; i++) if (w[i] == c) return i;
        return -1;
    }

    /**
     * The command names, looked up from a range of characters: no String is made and hashed per word. Open
     * addressing over a table at most a quarter full, hashed as {@link String#hashCode()} hashes.
     */
    private static final class NameTable {
        private final String[] names;
        private final int[] hashes, flags;
        private final int mask;

        NameTable(Map<String, Integer> commands) {
            int size = Integer.highestOneBit(commands.size() * 4 - 1) << 1;
            names = new String[size];
            hashes = new int[size];
            flags = new int[size];
            mask = size - 1;
            commands.forEach((name, f) -> {
                int slot = spread(name.hashCode()) & mask;
                while (names[slot] != null) slot = (slot + 1) & mask;
                names[slot] = name;
                hashes[slot] = name.hashCode();
                flags[slot] = f;
            });
        }

        /** The flags of the name {@code w[from, to)}, or -1 when it is none. */
        int flags(char[] w, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) h = 31 * h + w[i];
            for (int slot = spread(h) & mask; names[slot] != null; slot = (slot + 1) & mask) {
                if (hashes[slot] == h && regionIs(w, from, to, names[slot])) return flags[slot];
            }
            return -1;
        }

        /** Whether a name has this {@link String#hashCode()}: false rules a word out without reading it again. */
        boolean mayHold(int h) {
            for (int slot = spread(h) & mask; names[slot] != null; slot = (slot + 1) & mask) if (hashes[slot] == h) return true;
            return false;
        }

        private static int spread(int h) {
            return h ^ (h >>> 16);
        }
    }

    /** The flags of a command word, globbing included. */
    static int resolve(String w) {
        return resolve(w.toCharArray(), 0, w.length());
    }

    /** {@link #resolve(String)} of the word {@code w[from, to)}. */
    static int resolve(char[] w, int from, int to) {
        int f = lookup(w, from, to);
        if (f == 0 && indexOfGlob(w, from, to) >= 0) f = globLookup(new String(w, from, to - from), true);
        return f;
    }

    private static int indexOfGlob(char[] w, int from, int to) {
        for (int i = from; i < to; i++) if (w[i] == '?' || w[i] == '*' || w[i] == '[') return i;
        return -1;
    }

    /** Set on every known command's flags, so that a command with no other flag is still told from a non-command. */
    static final int KNOWN = 1 << 10;

    /** A glob pattern ({@code ?}, {@code *}, {@code [a-z]}, {@code [!x]}) against a name; patterns are short, so the backtracking is bounded. */
    static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) if (glob(p, pi + 1, s, k)) return true;
                return false;
            }
            if (si >= s.length()) return false;
            if (c == '?') {
                pi++;
                si++;
            } else if (c == '[') {
                int close = p.indexOf(']', pi + 2);
                if (close < 0) {
                    if (s.charAt(si) != '[') return false;
                    pi++;
                    si++;
                    continue;
                }
                boolean negate = p.charAt(pi + 1) == '!' || p.charAt(pi + 1) == '^';
                boolean in = false;
                char x = s.charAt(si);
                for (int k = pi + (negate ? 2 : 1); k < close; k++) {
                    char a = p.charAt(k);
                    if (k + 2 < close && p.charAt(k + 1) == '-') {
                        if (x >= a && x <= p.charAt(k + 2)) in = true;
                        k += 2;
                    } else if (a == x) {
                        in = true;
                    }
                }
                if (in == negate) return false;
                pi = close + 1;
                si++;
            } else {
                if (c != s.charAt(si)) return false;
                pi++;
                si++;
            }
        }
        return si == s.length();
    }

    private static boolean hasGlob(String w) {
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '?' || c == '*' || c == '[') return true;
        }
        return false;
    }

    /** A glob command name ({@code c?t}, {@code [u]name}): the flags of the first command it matches. Needs two literal letters. */
    static int globLookup(String w, boolean commandPosition) {
        int letters = 0;
        boolean inClass = false;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (!inClass && Character.isLetter(c)) letters++;
        }
        if (letters < 2 || w.length() > 30) return 0;
        if (commandPosition && w.endsWith("?") && w.indexOf('?') == w.length() - 1 && w.indexOf('*') < 0 && w.indexOf('[') < 0) return 0; // "who?" is a question
        for (String name : NAMES) {
            if (glob(w, 0, name, 0)) return COMMANDS.get(name) | KNOWN;
        }
        return 0;
    }

    /**
     * A path naming a binary in a {@code bin} directory: {@code /bin/cat}, {@code /usr/bin/perl},
     * {@code bin/ansible}, {@code /bi[n]/bash}, {@code /usr/bin/[u]name}.
     */
    static boolean binaryPath(String w) {
        int slash = w.indexOf('/');
        if (slash < 0) return false;
        if (!w.contains("bin/") && !hasGlob(w)) return false;
        int segStart = 0;
        String prev = null;
        for (int i = 0; i <= w.length(); i++) {
            if (i == w.length() || w.charAt(i) == '/') {
                String seg = w.substring(segStart, i);
                if (prev != null && !seg.isEmpty() && isBinDir(prev)) {
                    if (lookup(seg) != 0 || (hasGlob(seg) && globLookup(seg, false) != 0)) return true;
                }
                prev = seg;
                segStart = i + 1;
            }
        }
        return false;
    }

    private static boolean isBinDir(String seg) {
        if (seg.equals("bin") || seg.equals("sbin")) return true;
        return hasGlob(seg) && seg.length() <= 12 && (glob(seg, 0, "bin", 0) || glob(seg, 0, "sbin", 0));
    }

    /**
     * A path whose segments hold a bracket glob, which only a shell reads: {@code /etc/pa[s]swd},
     * {@code /[e//]tc}, {@code /usr/[a-z]in}. Not an XPath or route placeholder: {@code /a/div[1]},
     * {@code /pages/[slug].js}, {@code //x[@id]} — the bracket must touch a letter or hold a glob sign.
     */
    static boolean globPath(String w) {
        if (w.length() < 4 || w.charAt(0) != '/') return false;
        // a regular expression (/[a-z]{1,5}/, /^[a-z]+$/) is no path; a path names something besides its globs
        int letters = 0;
        boolean inClass = false;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '{' || c == '}' || c == '+' || c == '$' || c == '(' || c == ')' || c == '|') return false;
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (!inClass && Character.isLetter(c)) letters++;
        }
        if (letters < 2) return false;
        for (int open = w.indexOf('['); open >= 0; open = w.indexOf('[', open + 1)) {
            int close = w.indexOf(']', open + 1);
            if (close < 0 || close - open > 16) continue;
            boolean letter = false, sign = false, bad = close == open + 1;
            for (int k = open + 1; k < close; k++) {
                char c = w.charAt(k);
                if (Character.isLetter(c)) letter = true;
                else if (c == '?' || c == '/' || ((c == '!' || c == '^') && k == open + 1) || c == '-' || c == '*') sign = true;
                else if (!Character.isDigit(c)) bad = true;
            }
            if (bad || !(letter || sign)) continue;
            boolean touches = (open > 0 && Character.isLetter(w.charAt(open - 1))) || (close + 1 < w.length() && Character.isLetter(w.charAt(close + 1)));
            if (sign || touches) return true;
        }
        return false;
    }

    // Token kinds.
    static final byte WORD = 0, SEP = 1, WEAK = 2, LINE = 3, START = 4, REDIR = 5, VARWORD = 6, TICK = 7, END = 8;

    // Word flags.
    static final int ESCAPED = 1, VAR = 2, WINPATH = 4, SPACED = 8, GLOBBED = 16, REDIR_STRONG = 32, SLASH = 64, BIN = 128, EQUALS = 256;

    /** The value split into shell words and separators. */
    static final class Words {
        final String s;
        /** The words' characters, as the shell reads them (lower case), one after another; never longer than the value. */
        final char[] text;
        int length;
        int count;
        byte[] kind;
        int[] from, to, flags, tail;

        // The word being built.
        private int wordStart = -1, wordFlags, wordTail = -1;
        private boolean space, tickOpen;

        Words(String s) {
            this.s = s;
            this.text = new char[s.length()];
            int guess = Math.min(s.length() / 4 + 8, 1024); // about one token per word
            kind = new byte[guess];
            from = new int[guess];
            to = new int[guess];
            flags = new int[guess];
            tail = new int[guess];
            split();
        }

        private void grow() {
            if (count < kind.length) return;
            int n = kind.length * 2;
            kind = java.util.Arrays.copyOf(kind, n);
            from = java.util.Arrays.copyOf(from, n);
            to = java.util.Arrays.copyOf(to, n);
            flags = java.util.Arrays.copyOf(flags, n);
            tail = java.util.Arrays.copyOf(tail, n);
        }

        private void token(byte k, int f, int start, int end, int tl) {
            grow();
            kind[count] = k;
            flags[count] = f | (space ? SPACED : 0);
            from[count] = start;
            to[count] = end;
            tail[count] = tl;
            count++;
            space = false;
        }

        private void append(char c) {
            if (wordStart < 0) wordStart = length;
            text[length++] = c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
        }

        private void endWord() {
            if (wordStart >= 0 && length > wordStart) {
                token(WORD, wordFlags, wordStart, length, wordTail);
            } else if ((wordFlags & VAR) != 0) {
                token(VARWORD, wordFlags, length, length, -1);
            }
            wordStart = -1;
            wordFlags = 0;
            wordTail = -1;
        }

        private int wordLength() {
            return wordStart < 0 ? 0 : length - wordStart;
        }

        private void split() {
            String s = this.s;
            int n = s.length();
            char[] out = text;
            for (int i = 0; i < n; ) {
                char c = s.charAt(i);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-') { // most of any value
                    if (wordStart < 0) wordStart = length;
                    out[length++] = c;
                    i++;
                    continue;
                }
                if (c == ' ') {
                    endWord();
                    space = true;
                    i++;
                    continue;
                }
                char next = i + 1 < n ? s.charAt(i + 1) : '\0';
                switch (c) {
                    case ' ', '\t', '\r', '\f', '\u000b', '\u00a0' -> {
                        endWord();
                        space = true;
                        i++;
                    }
                    case '\n' -> {
                        endWord();
                        token(LINE, 0, 0, 0, -1);
                        i++;
                    }
                    case ';' -> {
                        endWord();
                        token(SEP, 0, ';', 0, -1);
                        i++;
                    }
                    case '`' -> {
                        endWord();
                        token((tickOpen = !tickOpen) ? TICK : END, 0, 0, 0, -1); // a closing backtick ends a command, opens none
                        i++;
                    }
                    case '|' -> {
                        endWord();
                        token(SEP, 0, '|', 0, -1);
                        i += next == '|' ? 2 : 1;
                    }
                    case '&' -> {
                        if (next == '>') {
                            i = redirect(i);
                        } else {
                            endWord();
                            token(SEP, 0, '&', 0, -1);
                            i += next == '&' ? 2 : 1;
                        }
                    }
                    case '(', ')' -> {
                        endWord();
                        token(WEAK, 0, 0, 0, -1);
                        i++;
                    }
                    case '<', '>' -> {
                        if (next == '(') {
                            endWord();
                            token(SEP, 0, '$', 0, -1); // process substitution: a command as plainly as $(
                            i += 2;
                        } else {
                            i = redirect(i);
                        }
                    }
                    case '$' -> i = dollar(i);
                    case '\\' -> {
                        if (i + 1 >= n) {
                            i++;
                        } else if (next == '\n') {
                            i += 2;
                        } else {
                            int len = wordLength();
                            if (len == 0) wordFlags |= ESCAPED;
                            if (len == 2 && Character.isLetter(text[wordStart]) && text[wordStart + 1] == ':') wordFlags |= WINPATH;
                            if (len == 0 && next == '\\') wordFlags |= WINPATH;
                            if (Character.isLetterOrDigit(next)) wordTail = length;
                            append(next);
                            i += 2;
                        }
                    }
                    case '\'', '"' -> {
                        if (i > 0 && s.charAt(i - 1) == '=') { // an attribute or assignment value: reads as a value of its own
                            endWord();
                            token(START, 0, 0, 0, -1);
                        }
                        i++;
                    }
                    case '^' -> i++;
                    case '{', '}' -> {
                        boolean alone = wordLength() == 0 && (i + 1 >= n || Character.isWhitespace(next) || next == ';');
                        if (alone) {
                            endWord();
                            token(WEAK, 0, 0, 0, -1);
                        } else {
                            append(c);
                        }
                        i++;
                    }
                    default -> {
                        if (c == '?' || c == '*' || c == '[') wordFlags |= GLOBBED;
                        else if (c == '=') wordFlags |= EQUALS;
                        else if (c == '/') {
                            wordFlags |= SLASH;
                            if (wordLength() >= 3 && text[length - 1] == 'n' && text[length - 2] == 'i' && text[length - 3] == 'b') wordFlags |= BIN;
                        }
                        append(c);
                        i++;
                    }
                }
            }
            endWord();
        }

        /** A redirection ({@code > >> < << <<< <> >& &> 2>}) at {@code i}; returns the index after it. */
        private int redirect(int i) {
            boolean fd = wordLength() == 1 && Character.isDigit(text[wordStart]);
            endWord();
            int j = i;
            while (j < s.length() && j - i < 4 && (s.charAt(j) == '<' || s.charAt(j) == '>' || s.charAt(j) == '&')) j++;
            String op = s.substring(i, j);
            boolean strong = fd || op.equals("<<<") || op.contains("&") || op.equals("<>");
            token(REDIR, strong ? REDIR_STRONG : 0, 0, 0, -1);
            return j;
        }

        /** A {@code $} at {@code i}: substitutions separate, {@code $IFS} splits, variables vanish (unset) or name a shell. */
        private int dollar(int i) {
            int n = s.length();
            char next = i + 1 < n ? s.charAt(i + 1) : '\0';
            if (next == '(' || next == '[') {
                endWord();
                token(next == '(' ? SEP : WEAK, 0, '$', 0, -1);
                return i + 2;
            }
            if (next == '{') {
                int close = s.indexOf('}', i + 2);
                if (close < 0 || close - i > 64) {
                    append('$');
                    return i + 1;
                }
                variable(s.substring(i + 2, close));
                return close + 1;
            }
            if (Character.isLetter(next) || next == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                variable(s.substring(i + 1, j));
                return j;
            }
            if (Character.isDigit(next) || next == '@' || next == '*' || next == '#' || next == '?' || next == '!' || next == '-' || next == '$') {
                return i + 2; // positional and special parameters: empty here
            }
            append('$');
            return i + 1;
        }

        private void variable(String name) {
            String v = name.toLowerCase(java.util.Locale.ROOT);
            if (v.equals("ifs")) {
                endWord();
                space = true;
            } else if (v.equals("shell") || v.equals("bash")) {
                append('s');
                append('h');
                wordFlags |= VAR;
            } else {
                wordFlags |= VAR;
            }
        }

        String word(int t) {
            return new String(text, from[t], to[t] - from[t]);
        }

        // Evidence an argument gives.
        static final int E_PATH = 1, E_URL = 2, E_VAR = 4, E_SENSITIVE = 8, E_REDIR = 16, E_SHORT = 32, E_LONG = 64, E_WINOPT = 128,
                E_OPT = 256, E_WINVAR = 512, E_IP = 1024;
        /** Evidence that holds even at the start of a value. */
        static final int STRONG_EVIDENCE = E_PATH | E_URL | E_VAR | E_SENSITIVE | E_REDIR | E_SHORT | E_LONG | E_WINOPT | E_WINVAR;

        int evidence(int t) {
            if (kind[t] == VARWORD) return E_VAR;
            if (kind[t] == REDIR) return 0;
            int e = (flags[t] & VAR) != 0 ? E_VAR : 0;
            if ((flags[t] & WINPATH) != 0) e |= E_PATH;
            int a = from[t], b = to[t], len = b - a;
            char[] w = text;
            char c0 = w[a];
            char c1 = len > 1 ? w[a + 1] : '\0';
            if (c0 == '/') {
                if (len >= 2 && (Character.isLetterOrDigit(c1) || c1 == '.' || c1 == '~' || c1 == '[' || c1 == '?' || c1 == '*' || c1 == '_')) e |= E_PATH;
                if ((len == 2 && (Character.isLetter(c1) || c1 == '?')) || (len == 3 && Character.isLetter(c1) && Character.isLetter(w[a + 2]))
                        || (len >= 3 && Character.isLetter(c1) && w[a + 2] == ':')) {
                    e |= E_WINOPT;
                }
            } else if (c0 == '~' && c1 == '/') {
                e |= E_PATH;
            } else if (c0 == '.' && (c1 == '/' || (c1 == '.' && len > 2 && w[a + 2] == '/'))) {
                e |= E_PATH;
            } else if (c0 == '-') {
                if (c1 == '-' && len > 2 && Character.isLetter(w[a + 2])) e |= E_LONG | E_OPT;
                else if (Character.isLetter(c1)) {
                    e |= E_OPT;
                    if (len == 2 || (len == 3 && Character.isLetterOrDigit(w[a + 2]))) e |= E_SHORT;
                }
            }
            String word = null;
            for (int k = a; k + 2 < b; k++) {
                if (w[k] == ':' && w[k + 1] == '/' && w[k + 2] == '/') {
                    e |= E_URL;
                    break;
                }
            }
            if (Character.isDigit(c0) && len >= 7 && len <= 21 && ipv4(a, b)) e |= E_IP; // "| nc 10.0.0.1 4444", not at a value's start
            int pct = -1;
            for (int k = a; k < b; k++) {
                if (w[k] == '%') {
                    if (pct >= 0 && k - pct > 1) {
                        boolean name = true;
                        for (int m = pct + 1; m < k; m++) if (!Character.isLetter(w[m]) && w[m] != '_') name = false;
                        if (name) e |= E_WINVAR;
                    }
                    pct = k;
                }
            }
            if (len >= 4 && len <= 40) {
                word = word(t);
                int slash = word.lastIndexOf('/');
                String base = slash >= 0 ? word.substring(slash + 1) : word;
                if (SENSITIVE.contains(base) || word.startsWith("hkey_") || word.startsWith("hklm") || word.startsWith("hkcu")) e |= E_SENSITIVE;
            }
            return e;
        }

        /** An IPv4 address, with or without a port: four dot-separated numbers. */
        private boolean ipv4(int a, int b) {
            int dots = 0, digits = 0;
            for (int k = a; k < b; k++) {
                char c = text[k];
                if (c == ':' && dots == 3 && digits > 0) return true;
                if (c == '.') {
                    if (digits == 0) return false;
                    dots++;
                    digits = 0;
                } else if (Character.isDigit(c) && ++digits <= 3) {
                    continue;
                } else {
                    return false;
                }
            }
            return dots == 3 && digits > 0;
        }

        /** A plain argument that ends a sentence or clause: the words are prose, not a command line. */
        boolean punctuated(int t) {
            if (kind[t] != WORD || to[t] - from[t] < 2) return false;
            char last = text[to[t] - 1];
            return last == '.' || last == ',' || last == '!' || last == '?' || last == ':';
        }

        /** The character of the separator before the command being read ({@code ; | & $}), and whether a backtick is glued to a word. */
        private char sepChar;
        private boolean tickGlued;

        boolean scan() {
            // Words anywhere that only a shell writes.
            for (int t = 0; t < count; t++) {
                int fl = flags[t];
                if (kind[t] != WORD || (fl & SLASH) == 0 || (fl & (BIN | GLOBBED)) == 0 || to[t] - from[t] < 4) continue;
                String w = word(t);
                if (text[from[t]] == '/' && (fl & GLOBBED) != 0 && globPath(w)) return true;
                if (binaryPath(w)) return true;
            }
            // Words in command position.
            boolean atStart = true; // nothing but separators since the value (or an attribute value) began
            byte sep = START; // the strongest separator before the current position
            boolean expect = true;
            for (int t = 0; t < count; t++) {
                byte k = kind[t];
                if (k == VARWORD) continue;
                if (k == END) {
                    expect = false;
                    continue;
                }
                if (k == START) {
                    atStart = true;
                    sep = START;
                    expect = true;
                    continue;
                }
                if (k == SEP || k == WEAK || k == LINE || k == TICK) {
                    // consecutive separators count as the strongest of them: "&&(sh)" opens like "&&", ";`id`" like ";"
                    if (!expect || rank(k) >= rank(sep)) {
                        sep = k;
                        sepChar = k == SEP ? (char) from[t] : '\0';
                        // a backtick glued to a word ("x`id`") is shell; one after a space is Markdown's code span
                        tickGlued = k == TICK && t > 0 && (flags[t] & SPACED) == 0 && kind[t - 1] == WORD;
                    }
                    expect = true;
                    continue;
                }
                if (k == REDIR) {
                    if (expect) {
                        // "<b>x": what follows a redirection is a file name, not a command
                        t = skipRedirectTarget(t);
                    }
                    continue;
                }
                // a word
                if (expect) {
                    if (command(t, from[t], sep, atStart, false)) return true;
                    // code=ls -la: a form field in a body sent without a form type; its value opens like a value
                    int eq = assignment(t);
                    if (eq > 0 && command(t, eq, START, true, false)) return true;
                    expect = false;
                    atStart = false;
                }
            }
            return false;
        }

        /**
         * Whether the word between {@code a} and {@code b} could name a command: its first two letters begin
         * some command's name, or it holds a glob, a brace or a slash that the full look-up reads. Most words
         * of prose fail here without a string being made.
         */
        private boolean possible(int a, int b) {
            if (b - a < 2 || b - a > 40) return false;
            char c0 = text[a], c1 = text[a + 1];
            if (c0 < 128 && c1 < 128 && PREFIXES[c0 << 7 | c1]) return true;
            for (int i = a; i < b; i++) {
                char c = text[i];
                if (c == '?' || c == '*' || c == '[' || c == '{' || c == '/') return true;
            }
            return false;
        }

        /** Where the value of a {@code name=value} word starts, or -1 when the word is none. */
        private int assignment(int t) {
            if ((flags[t] & EQUALS) == 0) return -1;
            int a = from[t], b = to[t];
            for (int i = a; i < b && i - a < 64; i++) {
                char c = text[i];
                if (c == '=') return i > a && i + 1 < b ? i + 1 : -1;
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']')) return -1;
            }
            return -1;
        }

        private static int rank(byte sep) {
            return sep == SEP ? 4 : sep == TICK ? 3 : sep == LINE ? 2 : sep == WEAK ? 1 : 0;
        }

        private int skipRedirectTarget(int t) {
            return t + 1 < count && kind[t + 1] == WORD ? t + 1 : t;
        }

        /** Where {@code needle} starts in the text between {@code a} and {@code b}, or -1 (bounded: linear in the word). */
        private int indexOf(String needle, int a, int b) {
            outer:
            for (int i = a; i + needle.length() <= b; i++) {
                for (int k = 0; k < needle.length(); k++) if (text[i + k] != needle.charAt(k)) continue outer;
                return i;
            }
            return -1;
        }

        /**
         * The word at {@code t} in command position after separator {@code sep}: whether it and its
         * arguments make a command line.
         */
        boolean command(int t, int start, byte sep, boolean atStart, boolean afterPrefix) {
            if (!possible(start, to[t]) && !(tail[t] > start && possible(tail[t], to[t]))) return false;
            String w = new String(text, start, to[t] - start);
            int f = resolve(text, start, to[t]);
            if (f == 0 && (flags[t] & GLOBBED) == 0 && tail[t] > start) f = resolve(text, tail[t], to[t]) & ~BARE; // C:\Windows\System32\cmd.exe
            boolean winOpt = false;
            int slash = w.indexOf('/');
            if (f == 0 && slash > 0 && windowsOption(w, slash)) { // bcdboot/r, cmd/c — not copy/paste or net/gross
                int fw = lookup(w.substring(0, slash));
                if ((fw & WIN) != 0) {
                    f = fw;
                    winOpt = true;
                }
            }
            if (f == 0 && w.indexOf('{') >= 0) return braces(w, t);
            if (f == 0) return false;
            if (w.equals("alias")) return alias(t);

            // The arguments: up to the next separator.
            int nArgs = 0, plain = 0, ev = winOpt ? E_WINOPT : 0, end = t + 1;
            boolean prose = false;
            for (; end < count; end++) {
                byte k = kind[end];
                if (k == SEP || k == WEAK || k == LINE || k == START || k == TICK || k == END) break;
                if (k == REDIR) {
                    if ((flags[end] & REDIR_STRONG) != 0) ev |= E_REDIR;
                    else if (end + 1 < count && kind[end + 1] == WORD && (evidence(end + 1) & E_PATH) != 0) ev |= E_REDIR;
                    continue;
                }
                nArgs++;
                int e = evidence(end);
                ev |= e;
                if (e == 0) {
                    plain++;
                    if (punctuated(end)) prose = true;
                }
            }
            if (plain >= 5) prose = true;
            boolean bare = nArgs == 0 && !(end < count && kind[end] == REDIR);
            // chained: "whoami;…", and PowerShell's "iex(…)" (not printf(foo), a PHP call)
            boolean chained = end < count && nArgs == 0 && (kind[end] == SEP || kind[end] == TICK
                    || ((f & WIN) != 0 && kind[end] == WEAK && (flags[end] & SPACED) == 0 && end + 1 < count));
            boolean escaped = start == from[t] ? (flags[t] & ESCAPED) != 0 : tail[t] == start;
            // no space between the separator and the command (a vanished $u counts as none: "|$u wget")
            boolean tight = (flags[t] & SPACED) == 0 || (t > 0 && kind[t - 1] == VARWORD);
            boolean strong = (f & STRONG) != 0;
            int strongEv = ev & STRONG_EVIDENCE;

            boolean fire;
            if (escaped && sep != WEAK && (bare || ev != 0 || nArgs > 0)) {
                fire = true; // \ls: the backslash skips an alias, and nobody writes it in prose
            } else if (afterPrefix) {
                fire = strong ? bare || ev != 0 || !prose : ev != 0;
            } else if (sep == START || sep == LINE) {
                boolean verb = (f & VERB) != 0;
                fire = strong ? (nArgs > 0 && (ev != 0 || (verb && !prose))) || chained || (bare && (f & BARE) != 0) : strongEv != 0;
            } else if (sep == WEAK) {
                fire = strong ? ev != 0 || chained : strongEv != 0;
            } else if (sep == TICK && !tickGlued) {
                fire = ev != 0 || (bare && (f & BARE) != 0); // "run `npm install`" is Markdown; "`ls -la`" still shows its option
            } else { // after ; | & && || ` $( <( >(
                // ";who", "x;ls", "cd /;cd etc;column passwd": a separator glued to its command, or opening the value, is
                // an injection; "Skills: Python; Bash; Docker" is a list, so there a tool needs evidence or a verb's arguments
                boolean opens = atStart && sep != TICK;
                boolean close = opens || tight || sepChar == '$';
                boolean pipe = sepChar == '|';
                boolean shell = (f & SHELL) != 0;
                if (strong && close) fire = bare || ev != 0 || !prose;
                else if (strong) fire = ev != 0 || (bare && ((f & BARE) != 0 || (shell && pipe))) || ((f & VERB) != 0 && (bare || !prose));
                else fire = ev != 0 || (bare && (opens || sep == TICK || (shell && (pipe || tight)))) || (opens && tight && nArgs > 0 && !prose);
            }
            if (fire) return true;

            // time sh -c …, nohup ifconfig, sudo -u root id: the next word is a command too.
            if ((f & PREFIX) != 0) {
                for (int a = t + 1; a < end; a++) {
                    if (kind[a] != WORD) continue;
                    char c0 = text[from[a]];
                    if (c0 == '-' || Character.isDigit(c0) || indexOf("=", from[a], to[a]) >= 0) continue;
                    return command(a, from[a], sep, atStart, true);
                }
            }
            return false;
        }

        /** After a Windows command glued to its switch: one or two letters ({@code /c}, {@code /r}, {@code /a:d}). */
        private static boolean windowsOption(String w, int slash) {
            int end = slash + 1;
            while (end < w.length() && Character.isLetter(w.charAt(end))) end++;
            int letters = end - slash - 1;
            return letters >= 1 && letters <= 2 && (end == w.length() || w.charAt(end) == ':' || w.charAt(end) == '/');
        }

        /** {@code alias name=value}: a definition, with options ({@code -p}, {@code +m}) before it. */
        private boolean alias(int t) {
            for (int a = t + 1; a < count && kind[a] == WORD; a++) {
                char c0 = text[from[a]];
                if (c0 == '-' || c0 == '+') continue;
                int eq = indexOf("=", from[a], to[a]);
                return eq > from[a];
            }
            return false;
        }

        /**
         * Brace expansion in command position: {@code {cat,/etc/passwd}}, {@code {,ifconfig}}, {@code c{a,oun}t},
         * {@code {l,-lh}s}. Fires when the expansion's first word is a command and the braces are plainly
         * shell (an empty alternative, text glued to them, an option or path among them, or a command no
         * sentence has); a set like {@code {id,name}} alone does not.
         */
        private boolean braces(String w, int t) {
            int open = w.indexOf('{');
            int close = w.indexOf('}', open + 1);
            if (close < 0 || close - open > 80) return false;
            String inner = w.substring(open + 1, close);
            if (inner.indexOf(',') < 0) return false;
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == ',' || c == '-' || c == '/' || c == '.' || c == '_' || c == '~' || c == '*' || c == '?' || c == '+')) return false;
            }
            String prefix = w.substring(0, open), suffix = w.substring(close + 1);
            String[] alts = inner.split(",", -1);
            String first = null;
            boolean empty = false, shelly = !prefix.isEmpty() || !suffix.isEmpty();
            for (String alt : alts) {
                if (alt.isEmpty()) {
                    empty = true;
                    continue;
                }
                String expanded = prefix + alt + suffix;
                if (first == null) first = expanded;
                else if (expanded.startsWith("-") || expanded.startsWith("/")) shelly = true;
            }
            if (first == null) return false;
            int f = resolve(first);
            return f != 0 && (empty || shelly || (f & STRONG) != 0);
        }
    }
}
