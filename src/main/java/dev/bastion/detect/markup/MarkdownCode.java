package dev.bastion.detect.markup;

import java.util.Arrays;

/**
 * Where an answer's Markdown is code that every renderer shows as text — a fenced block or a code span — so markup
 * written there as an example ("to embed a picture, write {@code ![alt](https://…)}") fetches nothing. The renderers
 * chat apps use (CommonMark's micromark and markdown-it, marked, Python-Markdown, showdown) disagree at the edges, and
 * a disagreement must never hide markup one of them renders, so code is recognised only where they all agree:
 * <ul>
 *   <li><b>A fenced block</b> lies between an opening line of three or more backticks at the very start of the line,
 *       followed by at most one info word ({@code ```python}), and a closing line of exactly as many backticks and
 *       nothing but spaces. A block not closed is not code (Python-Markdown and showdown then render its text as a
 *       paragraph); while a stream is inside one, what is in it is reported as undecided, so it is held until the
 *       block closes. Inside a block, a line with a run of at least as many backticks that is not that closing line
 *       (indented, longer, text after it) closes it to some reader and not to another; outside one, any other line that
 *       looks like a fence (indented, tildes, text after an info word) or begins with {@code <} (an HTML block, in which
 *       a fence is text) may open a block to one reader only. Either ends the reading for the rest of the answer: from
 *       there on no line counts as a fenced block.</li>
 *   <li><b>A code span</b> opens and closes on one line with backtick strings of the same length, holds no {@code |}
 *       (a table cell would end there), and nothing before it on its line, or on the earlier lines of its paragraph, could
 *       move where spans begin: a backtick string left unmatched, a {@code <} (an HTML tag or an autolink outranks a
 *       span), a {@code ]} (a link's destination may hold the backtick) or a backslash.</li>
 * </ul>
 * Everything else is read as markup, which may report more than a renderer shows, never less.
 *
 * <p>Offsets are absolute positions in the answer (UTF-16 units). A stream {@link #skip skips} what it will not scan
 * again and asks for the {@link #regions} of what it scans now, which starts where the skipped text ended. Confined to
 * one thread.
 */
public final class MarkdownCode {
    private static final int UNKNOWN = -1; // a line made the blocks ambiguous: none is recognised any more

    private long pos;           // absolute offset of the next char
    private int fence;          // 0: outside a block; n > 0: inside one opened by n backticks; UNKNOWN
    private long contentStart;  // where the open block's code begins: the line after its opener
    private boolean afterCr;    // the last char was '\r': a '\n' now ends no second line

    // The current line, as far as a fence line goes: leading blanks, one run of '`' or '~', what follows it.
    private long lineStart;
    private int indent;         // leading spaces
    private boolean tab;        // a tab among the leading blanks
    private char lead;          // the first char after them, 0 while there is none
    private int leadRun;        // how long the run of `lead` is ('`' or '~')
    private boolean inRun;      // still inside that run
    private int tail;           // after the run: 0 only spaces, 1 spaces then one info word, 2 anything else
    private boolean blank = true;

    // Code spans: the state of the paragraph and of the line.
    private boolean regionClean = true; // nothing on the paragraph's earlier lines could move where spans begin
    private boolean lineClean = true;   // nor on this line so far
    private boolean lineStray;          // this line leaves something that makes the next lines unclean
    private int run;                    // backticks in the string being read
    private long runStart;
    private int openLen;                // the opening string of a span being read, 0 when none
    private long openStart;
    private boolean openPipe;

    private long[] closed = new long[0]; // [start, end) pairs found by the last pass that collects them
    private int closedCount;
    private boolean collect;

    public MarkdownCode() {
    }

    private MarkdownCode(MarkdownCode o) {
        pos = o.pos;
        fence = o.fence;
        contentStart = o.contentStart;
        afterCr = o.afterCr;
        lineStart = o.lineStart;
        indent = o.indent;
        tab = o.tab;
        lead = o.lead;
        leadRun = o.leadRun;
        inRun = o.inRun;
        tail = o.tail;
        blank = o.blank;
        regionClean = o.regionClean;
        lineClean = o.lineClean;
        lineStray = o.lineStray;
        run = o.run;
        runStart = o.runStart;
        openLen = o.openLen;
        openStart = o.openStart;
        openPipe = o.openPipe;
    }

    /** Reads {@code text[from, to)} — the next part of the answer — without collecting its code. */
    public void skip(CharSequence text, int from, int to) {
        for (int i = from; i < to; i++) read(text.charAt(i));
    }

    /** The absolute offset the next text read starts at. */
    public long position() {
        return pos;
    }

    /** Whether the answer read so far ends inside a fenced block or a code span that may still close. */
    boolean inCode() {
        return fence > 0 || openLen > 0;
    }

    /**
     * The code in {@code text}, the part of the answer that starts where this state stands (which it leaves as it is).
     * {@code complete}: the answer ends with it, so a block or span still open never closes.
     */
    Regions regions(CharSequence text, boolean complete) {
        MarkdownCode c = new MarkdownCode(this);
        c.collect = true;
        long start = pos;
        int n = text.length();
        for (int i = 0; i < n; i++) c.read(text.charAt(i));
        long open = -1;
        if (complete) {
            c.endLine();
        } else {
            if (c.fence > 0) open = c.contentStart;
            if (c.openLen > 0) open = open < 0 ? c.openStart : Math.min(open, c.openStart);
        }
        int[] spans = new int[c.closedCount];
        for (int k = 0; k < c.closedCount; k++) spans[k] = (int) Math.clamp(c.closed[k] - start, 0, n);
        return new Regions(spans, open < 0 ? -1 : (int) Math.clamp(open - start, 0, n));
    }

    /**
     * @param closed   [start, end) pairs, in text order, that every renderer shows as code
     * @param openFrom where a block or span begins that is code if it closes later (a stream's text only), or -1
     */
    record Regions(int[] closed, int openFrom) {
        /** Whether {@code [start, end)} lies inside one closed region. */
        boolean covers(int start, int end) {
            for (int k = 0; k < closed.length; k += 2) if (closed[k] <= start && end <= closed[k + 1]) return true;
            return false;
        }
    }

    private void read(char c) {
        if (c == '\n' || c == '\r') {
            if (!(c == '\n' && afterCr)) endLine();
            afterCr = c == '\r';
            pos++;
            return;
        }
        afterCr = false;
        lineChar(c);
        if (fence <= 0) spanChar(c);
        pos++;
    }

    private void lineChar(char c) {
        if (c != ' ' && c != '\t') blank = false;
        if (lead == 0) {
            if (c == ' ') indent++;
            else if (c == '\t') tab = true;
            else {
                lead = c;
                if (c == '`' || c == '~') {
                    leadRun = 1;
                    inRun = true;
                }
            }
            return;
        }
        if (inRun) {
            if (c == lead) {
                leadRun++;
                return;
            }
            inRun = false;
        }
        if (leadRun == 0 || tail == 2) return;
        boolean word = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '#' || c == '.' || c == '+' || c == '-';
        if (tail == 0) tail = c == ' ' ? 0 : word ? 1 : 2;
        else tail = word ? 1 : 2; // a space after the word: showdown reads no fence there
    }

    private void spanChar(char c) {
        if (c == '`') {
            if (run++ == 0) runStart = pos;
            return;
        }
        if (run > 0) endRun();
        if (openLen > 0) {
            if (c == '|') openPipe = true;
        } else if (c == '<' || c == ']' || c == '\\') {
            lineClean = false;
            lineStray = true;
        }
    }

    private void endRun() {
        int length = run;
        run = 0;
        if (openLen > 0) {
            if (length != openLen) return; // inside the span
            if (openPipe) {
                lineClean = false;
                lineStray = true;
            } else {
                add(openStart, pos);
            }
            openLen = 0;
        } else if (lineClean && regionClean) {
            openLen = length;
            openStart = runStart;
            openPipe = false;
        } else {
            lineStray = true;
        }
    }

    private void endLine() {
        boolean fenceLike = (lead == '`' || lead == '~') && leadRun >= 3;
        boolean atStart = indent == 0 && !tab && lead == '`';
        if (fence > 0) {
            // Only a run of at least the opener's backticks may close it, to any reader; a shorter one or tildes are code
            if (lead == '`' && leadRun >= fence) {
                if (atStart && leadRun == fence && tail == 0) {
                    add(contentStart, lineStart);
                    fence = 0;
                    regionClean = true;
                } else {
                    fence = UNKNOWN;
                    regionClean = false;
                }
            }
        } else {
            if (run > 0) endRun();
            if (openLen > 0) {
                lineStray = true;
                openLen = 0;
            }
            if (blank) regionClean = true;
            else if (lineStray) regionClean = false;
            if (fence == 0 && fenceLike) {
                if (atStart && tail != 2) {
                    fence = leadRun;
                    contentStart = pos + 1;
                } else {
                    fence = UNKNOWN;
                }
            } else if (fence == 0 && lead == '<' && indent <= 3 && !tab) {
                fence = UNKNOWN;
            }
        }
        lineStart = pos + 1;
        indent = 0;
        tab = false;
        lead = 0;
        leadRun = 0;
        inRun = false;
        tail = 0;
        blank = true;
        lineClean = true;
        lineStray = false;
        run = 0;
    }

    private void add(long start, long end) {
        if (!collect || end <= start) return;
        if (closedCount + 2 > closed.length) closed = Arrays.copyOf(closed, Math.max(8, closed.length * 2));
        closed[closedCount++] = start;
        closed[closedCount++] = end;
    }
}
