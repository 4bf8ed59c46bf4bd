package dev.bastion.detect.injection;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** FROZEN REFERENCE: {@code EncodedPayloads} as it was before the fast paths, for {@link DetectorEquivalenceTest}. */
final class ReferenceEncodedPayloads {
    static final int MIN_RUN = 16;
    static final int MAX_BLOB_CHARS = 8 * 1024;
    static final int MAX_BLOBS = 256;
    static final int MAX_TOTAL_CHARS = 256 * 1024;

    private ReferenceEncodedPayloads() {}
    static List<String> decodedTexts(String visible) {
        List<String> texts = List.of();
        int blobs = 0;
        int budget = MAX_TOTAL_CHARS;
        StringBuilder run = null;
        int i = 0;
        while (i < visible.length() && blobs < MAX_BLOBS && budget > 0) {
            if (!isBase64Char(visible.charAt(i))) {
                i++;
                continue;
            }
            int shortRunEnd = shortRunEnd(visible, i);
            if (shortRunEnd >= 0) { // a word of prose: too short to be a blob, and nothing is copied
                i = shortRunEnd;
                continue;
            }
            if (run == null) run = new StringBuilder();
            run.setLength(0);
            i = readRun(visible, i, run);
            if (run.length() < MIN_RUN) continue;
            String blob = run.length() > MAX_BLOB_CHARS ? run.substring(0, MAX_BLOB_CHARS) : run.toString();
            byte[] bytes = decode(blob);
            if (bytes == null) continue;
            blobs++;
            budget -= blob.length();
            String text = readableText(bytes);
            if (text != null) {
                if (texts.isEmpty()) texts = new ArrayList<>();
                texts.add(text);
            }
        }
        return texts;
    }
    private static int readRun(String s, int start, StringBuilder run) {
        int i = start;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (isBase64Char(c)) {
                if (run.length() <= MAX_BLOB_CHARS) run.append(c);
                i++;
            } else if (c == '=') { // padding ends a blob: "a=b&c=d" is a query string, not one blob
                while (i < s.length() && s.charAt(i) == '=') i++;
                break;
            } else if ((c == '\n' || c == '\r') && run.length() >= MIN_RUN && i + 1 < s.length()
                    && (isBase64Char(s.charAt(i + 1)) || s.charAt(i + 1) == '\n')) {
                i++;
            } else break;
        }
        return i;
    }
    private static int shortRunEnd(String s, int start) {
        int i = start;
        while (i < s.length() && i - start < MIN_RUN && isBase64Char(s.charAt(i))) i++;
        if (i - start >= MIN_RUN) return -1;
        while (i < s.length() && s.charAt(i) == '=') i++;
        return i;
    }

    private static byte[] decode(String blob) {
        String hex = blob.startsWith("0x") || blob.startsWith("0X") ? blob.substring(2) : blob;
        if (hex.length() >= MIN_RUN && isHex(hex)) {
            return HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex.substring(0, hex.length() - 1));
        }
        if (!looksLikeBase64(blob)) return null;
        String body = blob.replace("=", "");
        if (body.length() % 4 == 1) body = body.substring(0, body.length() - 1);
        boolean urlSafe = body.indexOf('-') >= 0 || body.indexOf('_') >= 0;
        try {
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(body);
        } catch (IllegalArgumentException e) {
            return null; // mixed alphabets or padding in the middle: not one blob
        }
    }
    private static boolean looksLikeBase64(String blob) {
        boolean upper = false, lower = false, digit = false;
        for (int i = 0; i < blob.length(); i++) {
            char c = blob.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        return upper && lower && digit;
    }
    static String readableText(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        int printable = 0, letters = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetter(c)) letters++;
            if (!Character.isISOControl(c) || c == '\n' || c == '\r' || c == '\t') printable++;
        }
        return letters >= 6 && printable >= text.length() * 0.95 ? text : null;
    }

    private static final boolean[] BASE64_CHARS = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".toCharArray()) BASE64_CHARS[c] = true;
    }

    private static boolean isBase64Char(char c) {
        return c < 128 && BASE64_CHARS[c];
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.digit(s.charAt(i), 16) < 0) return false;
        return true;
    }
}
