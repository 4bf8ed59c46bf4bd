package dev.bastion.contract;

import java.util.Locale;

/** What a contract counts as JSON: {@code application/json} and any {@code application/…+json}, parameters ignored. */
final class MediaTypes {
    private MediaTypes() {}

    static boolean json(String contentType) {
        if (contentType == null) return false;
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) t = t.substring(0, semi);
        t = t.trim();
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"));
    }
}
