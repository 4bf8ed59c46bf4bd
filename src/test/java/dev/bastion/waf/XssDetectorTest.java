package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Scaling;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The XSS detector on attacks and their obfuscations, and on benign text that comes close. Values are
 * given as the 941100 rule hands them over (already URL-, JS- and entity-decoded once, lower case) unless
 * the case is about the detector's own second entity decoding.
 */
class XssDetectorTest {
    @ParameterizedTest
    @ValueSource(strings = {
            // dangerous tags, in any case, namespaced, spaced out, unclosed
            "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js>", "<script", "x</script><script>alert(1)</script>",
            "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\" src=\"data:,alert(1)\" />", "< x: script", "<:vmlframe src=",
            "<v:vmlframe src=\"foo.com/sup.fml\"/>", "$<f o r m", "<d i a l o g", "<iframe src=//evil.example>", "<embed src=\"deuce.swf\">",
            "<object data=\"javascript:alert(1)\">", "<meta http-equiv=\"refresh\" content=\"0;url=//evil\">", "<link rel=stylesheet href=x.css>",
            "<base href=\"//evil/\">", "<style>@import'http://evil/x.css';</style>", "<svg><animate onbegin=alert(1)>", "<math>",
            "<?import implementation =", "<importimplementation=", "</title><img src=x onerror=alert(1)>", "<applet code=\"deuce.class\">",
            // event handlers in any tag, with the usual separators
            "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<body onload=alert(1)>", "<a href=# onclick=\"x()\">",
            "<img src=`x`onerror=alert(1)>", "<x onend=", "<xss onbeforehellfreezes=alert(1)>", "<b onmouseover=alert(1)>bold</b>",
            "<input onfocus=alert(1) autofocus>", "<button formaction=javascript:alert(1)>",
            // breaking out of an attribute value
            "\" onmouseover=alert(document.cookie) \"", "' onerror=alert(1) '", "\"onzoom=", "'/onload=x", "  onload= ",
            "<\"onwebkitplaybacktargetavailabilitychanged=", "'formaction=", "x\" srcdoc=\"<script>",
            // script URLs and their obfuscations
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "jav\rascript:x",
            "javascript\n:alert(7)", " javascript:alert(1)", "ja&tab;vascript: ", "&#x6A;avascript&#58;alert(1)", "v&newline;b&tab;script&colon;",
            "vbscript:msgbox(1)", "livescript:x", "<a href=\"javascript:alert(1)\">x</a>", "<a href=\"vbscript:msgbox+1\">",
            "<a href=\" &#14; javascript:alert(1)\">", "location=\"javascript:(function(){})()\"", "{\"javascript:a=:,\":1}",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">", "data:text/html,<script>alert(1)</script>", " data: , <x>",
            "<iframe src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
            // CSS
            "<p style=\"background:url(javascript:alert(1))\">", "<div style=\"width:expression(alert(1))\">", "<div style=\"behavior:url(x.htc)\">",
            "@import'ja\u000bvascript:alert(1)'"})
    void attacksAreCaught(String value) {
        assertThat(XssDetector.matches(value)).as(value).isTrue();
        // The rule's prefilter is the detector's NEEDS: an attack without one of them would never reach it.
        assertThat(new PhraseMatcher(XssDetector.NEEDS).find(value)).as("what %s needs", value).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<b>bold</b>", "<i>x</i> and <em>y</em>", "<p class=\"note\">", "<br>", "<br/>", "<hr />", "<a href=\"https://example.com\">link</a>",
            "<img src=\"cat.png\" alt=\"a cat\">", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "a < b and c > d", "3<5", "I <3 you", "x->y",
            "if (a<b && c>d) return;", "<", "<<>>", "mailto:me@example.com", "https://example.com/a?b=c&d=e", "the onload event fires once",
            "online=true", "once=1&only=2", "version=1.0&action=view", "VGhhbmtzLCBmb3IgYWxsIHlvdXIgd29yayBzaW5jZSB5ZWFycyBvbiBDUlMuIEh1bQo/onafe=",
            "  onab= ", "Tom & Jerry", "Tom & Jerry; popcorn", "javascript is fun", "I write javascript: it is fun", "metadata: none",
            "data: 1, 2, 3", "time: 12:30", "**bold** and _italic_ [link](https://example.com)", "# Title\n\n- item\n- item", "`code` block",
            "select your plan from the list", "O'Brien", "report.pdf", "{\"a\":1,\"b\":[1,2]}", "price: $5 <= $10", "see <https://example.com>",
            "<user@example.com>", "std::vector<int> v;", "List<String> names = new ArrayList<>();", "a => b", "key=value; other=thing",
            "style=color:red;background:white", "x < style points", "<3 <3 <3", "<div class=\"a\"><span>text</span></div>", "<ul><li>x</li></ul>",
            "<table><tr><td>1</td></tr></table>", "<a href=\"/docs/javascript-guide\">guide</a>", "<?xml version=\"1.0\"?><root><a probe=\"x\"></a></root>",
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><ds:Object/></soap:Body></soap:Envelope>",
            "<?xpacket begin=\"?\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">", "<xs:import namespace=\"urn:x\" schemaLocation=\"a.xsd\"/>"})
    void benignTextIsNot(String value) {
        assertThat(XssDetector.matches(value)).as(value).isFalse();
    }

    static Stream<Arguments> hostileRepetitions() {
        return Stream.of(hostile("", "<a x=\"", "", 6_250), hostile("", "<", "", 25_000), hostile("", "<a ", "", 8_750),
                hostile("", "on", "=", 12_500), hostile("", "\" o", "", 8_750), hostile("", "j", ":", 25_000), hostile("", "<a b=\"", "<", 3_750),
                hostile("", "<f ", "", 8_750), hostile("", "&", ":", 25_000), hostile("", "j\t", ":", 12_500), hostile("data:", "a", "", 25_000),
                hostile("<a style=\"", "u", "", 25_000));
    }

    private static Arguments hostile(String prefix, String unit, String suffix, int n) {
        return Arguments.of(prefix + "(" + unit + ")×n" + suffix, (IntFunction<String>) k -> prefix + unit.repeat(k) + suffix, n);
    }

    /** Hostile repetitions of up to 200 KB: eight times the input, not much more than eight times the time. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRepetitions")
    void linearOnHostileInput(String name, IntFunction<String> value, int n) {
        Scaling.assertLinear(name, n, value, XssDetector::matches);
    }

    /** A chat message is not an attack. Its cost is measured by bench/jmh.sh DetectorBench (xssOnChat), not asserted here. */
    @Test
    void benignChatIsNotAnAttack() {
        String chat = "Hi there! Could you summarise the attached report for me? I need the key figures for Q3, the risks the team "
                + "listed, and what they recommend for next year. Please keep it under 200 words and use bullet points. Thanks a lot, "
                + "and have a great day. PS: the meeting moved to 14:30 on Friday; bring the printed version of report.pdf if you can.";
        assertThat(XssDetector.matches(chat)).isFalse();
    }

    /** The 941 rules next to the detector, each through its own transformations, as a query value would reach it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "941190|alert(1)|true", "941190|setInterval(code, 1)|true", "941190|btoa()|true", "941190|new Function()|true",
            "941190|eval('2 + 2')|true", "941190|import { sayHi } from \"./greeting.js\"|true", "941190|please confirm (by Friday) that you come|false",
            "941190|red alert (level 3)|false", "941190|a new function (called twice)|false", "941190|if you're willing to import (and wait)|false",
            "941370|document /*foo*/ .     cookie|true", "941370|(document)[\"cookie\"]|true", "941370|self[/*x*/\"alert\"](1)|true",
            "941370|window%5B%22alert%22%5D|true", "941370|please open document.pdf|false", "941370|the pop-up window [see below]|false",
            "941360|(![]+[])[+!+[]]|true", "941360|+!![]|true", "941360|![](diagram.png)|false", "941360|{\"tags\":[]}|false",
            "941310|\\xbcscript\\xbealert(1)\\xbc/script\\xbe|true", "941310|\\xbc\\xbc|false", "941310|sitzbez\\xc2\\xbcge > fu|false",
            "941350|%2bADw-script%2bAD4-|true", "941350|Add-on for the ADW-100 printer|false",
            "941400|Reflect.sort.call``|true", "941400|[].map.call`${eval}`|true", "941400|use `code` spans|false",
            "941140|x=x:url(javascript|true", "941140|background:url(http://example.com/x.png)|false",
            "941130|<xi:include href=\"http://x/\"/>|true", "941130|foo!ENTITY % bar SYSTEM|true", "941130|7XMLNS|false",
            "941120|51onabcd=6yJV|true", "941120|test;onfocus=eval(1)|true", "941120|bt_signature=MIIGSqonefgh=i|false", "941120|aGVsbG8onabc==|false"})
    void siblingRules(int id, String value, boolean attack) {
        Rule rule = RuleSet.load(java.util.List.of()).rules().stream().filter(r -> r.id() == id).findFirst().orElseThrow();
        assertThat(rule.matches(Transform.all(value, rule.transforms().toArray(Transform[]::new)))).as(id + " on " + value).isEqualTo(attack);
    }
}
