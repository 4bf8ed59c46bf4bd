package dev.bastion.contract;

/** RFC 6901 JSON pointers. */
final class Pointers {
    private Pointers() {}

    static String escape(String token) {
        if (token.indexOf('~') < 0 && token.indexOf('/') < 0) return token;
        return token.replace("~", "~0").replace("/", "~1");
    }
}
