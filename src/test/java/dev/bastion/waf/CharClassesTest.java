package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The character classes, and the shortcuts taken on them: a transformation said to keep a value must
 * return it unchanged, and the classes said to be in a result must include every class it holds — or
 * the inspector would skip work that changes what a rule sees.
 */
class CharClassesTest {
    @Test
    void eachKindOfCharacterHasItsClass() {
        assertThat(CharClasses.of("")).isZero();
        assertThat(CharClasses.of("abcxyz0123456789")).as("lower-case letters and digits have none").isZero();
        assertThat(CharClasses.of("Hello")).isEqualTo(CharClasses.UPPER);
        assertThat(CharClasses.of("a b")).isEqualTo(CharClasses.SPACE);
        assertThat(CharClasses.of("a\tb\u007f")).isEqualTo(CharClasses.CONTROL);
        assertThat(CharClasses.of("a\u0000")).isEqualTo(CharClasses.CONTROL | CharClasses.NUL);
        assertThat(CharClasses.of("caf\u00e9")).isEqualTo(CharClasses.NON_ASCII);
        assertThat(CharClasses.of("\uff1cscript")).isEqualTo(CharClasses.NON_ASCII);
        String punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        long all = 0;
        for (char c : punctuation.toCharArray()) {
            long one = CharClasses.of(String.valueOf(c));
            assertThat(Long.bitCount(one)).as("'%s' has a bit of its own", c).isEqualTo(1);
            assertThat(all & one).as("'%s' shares no bit", c).isZero();
            all |= one;
        }
        assertThat(CharClasses.of("a%b+c")).isEqualTo(CharClasses.of("%+"));
    }

    @Test
    void transformationsKeepWhatTheyAreSaidToKeepAndHoldNoClassTheyAreSaidNotTo() {
        Random rnd = new Random(3);
        // Every class, the characters each transformation works on, and look-alikes beyond ASCII.
        String alphabet = "aAzZ09 ._-/\\%+&#;:'\"`^,()<>=*!$\u0000\t\n\r\u000b\u00a0\u00e9\u00c9\u0130\u212a\u3000\uff1c\uff33";
        int checked = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0, n = rnd.nextInt(12); i < n; i++) b.append(alphabet.charAt(rnd.nextInt(round % 3 == 0 ? 20 : alphabet.length())));
            if (round % 5 == 0) b.append(List.of("%27", "%u003c", "&lt;", "&#x3c;", "\\u0024", "/*x*/", "--", "../", "  ").get(rnd.nextInt(9)));
            String s = b.toString();
            long classes = CharClasses.of(s);
            for (Transform t : Transform.values()) {
                String out = t.apply(s);
                assertThat(t.apply(s, classes)).as("%s of '%s' given its classes", t, s).isEqualTo(out);
                if (t.keeps(classes)) {
                    assertThat(out).as("%s is said to keep '%s'", t, s).isEqualTo(s);
                    checked++;
                }
                long said = t.resultClasses(classes);
                if (said != Transform.UNKNOWN_CLASSES) assertThat(CharClasses.of(out) & ~said).as("%s of '%s': classes not said", t, s).isZero();
            }
        }
        assertThat(checked).as("the shortcut was taken").isGreaterThan(10_000);
    }
}
