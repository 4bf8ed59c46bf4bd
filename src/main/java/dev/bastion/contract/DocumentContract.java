package dev.bastion.contract;

/**
 * A route's contract taken from a whole OpenAPI document: each request is held to the operation its method and
 * path select, after the base path is stripped.
 *
 * @param basePath     stripped before matching; {@code /} for none
 * @param allow        whether a request no operation matches is forwarded (held to the limits only) rather than refused
 * @param undocumented the limits-only contract of such a request
 */
record DocumentContract(OperationTable table, String basePath, boolean allow, RequestContract undocumented) {

    /** The operation of a request with {@code method} and the edge-decoded {@code path}. */
    OperationTable.Result find(String method, String path) {
        String p = withoutParameters(path);
        if (!basePath.equals("/")) {
            if (!p.startsWith(basePath)) return new OperationTable.NoPath();
            p = p.substring(basePath.length());
            if (p.isEmpty()) p = "/";
            else if (p.charAt(0) != '/') return new OperationTable.NoPath(); // /api2 is not under /api
        }
        return table.find(method, p);
    }

    /**
     * The path without each segment's {@code ;parameters}, as the router matches it: a Java upstream serves
     * {@code /pet;x=1/7} as {@code /pet/7}, so it must be held to that operation's contract, not slip past as undocumented.
     */
    static String withoutParameters(String path) {
        if (path.indexOf(';') < 0) return path;
        StringBuilder out = new StringBuilder(path.length());
        boolean skipping = false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') skipping = false;
            else if (c == ';') skipping = true;
            if (!skipping) out.append(c);
        }
        return out.toString();
    }
}
