package dev.bastion.net;

import java.util.Locale;

/**
 * Header names as the servers behind Bastion may read them. CGI and the frameworks built on its
 * conventions (WSGI, Rack, PHP) turn a header name into a variable, {@code X-Bastion-Org} into
 * {@code HTTP_X_BASTION_ORG}; {@code X_Bastion_Org} becomes the same variable, and PHP turns {@code .}
 * into {@code _} as well. So {@code -}, {@code _} and {@code .} spell one name to such a server, and a
 * client that sends {@code X_Bastion_Org} past a proxy that only strips {@code X-Bastion-Org} has
 * forged the header (the class of Puma's CVE-2024-45614).
 */
public final class HeaderNames {
    private HeaderNames() {}

    /** Whether the name contains a character a CGI-style server reads as {@code -}. */
    public static boolean hasAlternativeSpelling(String name) {
        return name.indexOf('_') >= 0 || name.indexOf('.') >= 0;
    }

    /** The one name every spelling reads as: {@code _} and {@code .} as {@code -}, in lower case. */
    public static String canonical(String name) {
        return name.replace('_', '-').replace('.', '-').toLowerCase(Locale.ROOT);
    }
}
