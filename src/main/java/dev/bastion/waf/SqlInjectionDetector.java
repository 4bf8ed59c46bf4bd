package dev.bastion.waf;

import java.util.List;

/**
 * SQL injection in one value, found the way a SQL parser would read it rather than by pattern (W1, the
 * SQL injection family; the idea of libinjection, written from scratch). The value is split into SQL
 * tokens — strings, numbers, names, variables, function calls, keywords by role (logic, UNION, SELECT,
 * statement starters, clause words), comparisons, operators, parentheses, comments — three times: as it
 * is, and as if it began inside a {@code '…'} or a {@code "…"} literal, since an injected value usually
 * first closes the string the application put it in. The value is an attack when its tokens form SQL
 * that changes the query:
 * <ul>
 *   <li>a closed literal followed by a boolean clause that completes ({@code ' or '1'='1}, {@code ') and sleep(5)}),
 *       by a comment that ends the statement ({@code admin'--}), by a stacked statement ({@code '; drop table t}),
 *       a statement keyword, a concatenated call or subquery ({@code '||(select …)}, {@code '+sleep(5)+'});</li>
 *   <li>a value that starts as a number or bare clause and continues with a tautology ({@code 1 or 1=1});</li>
 *   <li>anywhere: {@code UNION [ALL] SELECT}, a statement after {@code ;} that reads as SQL, not prose
 *       ({@code ;insert into}, {@code ;drop table}, {@code ;declare @}), a {@code SELECT} of a function,
 *       a star or a variable, {@code WAITFOR DELAY '…'}.</li>
 * </ul>
 * Comments inside and between keywords ({@code UN/**}{@code /ION}, {@code SELECT/**}{@code /*}), MySQL's
 * executable comments ({@code /*!50000select*}{@code /}) and mixed case are read as SQL reads them.
 * The value is not decoded here: the rule decodes it (URL, HTML entities) first. Linear in the value;
 * a value without a quote, a semicolon, a parenthesis, a comparison or the word {@code union} is left
 * after one scan for those characters.
 */
public final class SqlInjectionDetector {
    private SqlInjectionDetector() {}

    // Token types.
    static final byte STR = 1, NUM = 2, NAME = 3, VAR = 4, FUNC = 5, LOGIC = 6, NOT = 7, UNION = 8, SELECT = 9, STMT = 10,
            KW = 11, CMP = 12, OP = 13, LPAR = 14, RPAR = 15, COMMA = 16, SEMI = 17, DOT = 18, COMMENT = 19, LIT = 20, OTHER = 21;

    // Word ids (what a keyword is, within its type).
    static final byte W_NONE = 0, W_INSERT = 1, W_UPDATE = 2, W_DELETE = 3, W_DDL = 4, W_REPLACE = 5, W_EXEC = 6, W_DECLARE = 7,
            W_SHUTDOWN = 8, W_WAITFOR = 9, W_SET = 10, W_FROM = 11, W_INTO = 12, W_VALUES = 13, W_WHERE = 14, W_HAVING = 15,
            W_LIMIT = 16, W_ORDER = 17, W_GROUP = 18, W_BY = 19, W_ALL = 20, W_DISTINCT = 21, W_OBJECT = 22, W_DELAY = 23,
            W_IS = 24, W_OUTFILE = 25, W_TRUNCATE = 27, W_GRANT = 28, W_SLEEPY = 29, W_KNOWN = 30, W_AS = 31;

    /**
     * Tokens are read in windows of this many, the last {@link #OVERLAP} carried into the next window, so a
     * large body costs fixed memory and an attack padded deep into a value is still read.
     */
    static final int WINDOW = 1024, OVERLAP = 64;

    private static final WordTable WORDS = new WordTable();

    static {
        for (String w : new String[] {"or", "and", "xor"}) WORDS.put(w, LOGIC, W_NONE);
        WORDS.put("not", NOT, W_NONE);
        WORDS.put("union", UNION, W_NONE);
        WORDS.put("select", SELECT, W_NONE);
        WORDS.put("insert", STMT, W_INSERT);
        WORDS.put("update", STMT, W_UPDATE);
        WORDS.put("delete", STMT, W_DELETE);
        for (String w : new String[] {"drop", "create", "alter", "rename"}) WORDS.put(w, STMT, W_DDL);
        WORDS.put("truncate", STMT, W_TRUNCATE);
        WORDS.put("replace", STMT, W_REPLACE);
        WORDS.put("exec", STMT, W_EXEC);
        WORDS.put("execute", STMT, W_EXEC);
        WORDS.put("declare", STMT, W_DECLARE);
        WORDS.put("shutdown", STMT, W_SHUTDOWN);
        WORDS.put("waitfor", STMT, W_WAITFOR);
        WORDS.put("set", STMT, W_SET);
        WORDS.put("grant", STMT, W_GRANT);
        WORDS.put("revoke", STMT, W_GRANT);
        WORDS.put("from", KW, W_FROM);
        WORDS.put("into", KW, W_INTO);
        WORDS.put("values", KW, W_VALUES);
        WORDS.put("where", KW, W_WHERE);
        WORDS.put("having", KW, W_HAVING);
        WORDS.put("limit", KW, W_LIMIT);
        WORDS.put("order", KW, W_ORDER);
        WORDS.put("group", KW, W_GROUP);
        WORDS.put("by", KW, W_BY);
        WORDS.put("all", KW, W_ALL);
        WORDS.put("distinct", KW, W_DISTINCT);
        WORDS.put("distinctrow", KW, W_DISTINCT);
        for (String w : new String[] {"table", "database", "schema", "view", "index", "trigger", "procedure", "function", "user", "login", "event", "column"})
            WORDS.put(w, KW, W_OBJECT);
        WORDS.put("delay", KW, W_DELAY);
        WORDS.put("time", KW, W_DELAY);
        WORDS.put("is", KW, W_IS);
        WORDS.put("as", KW, W_AS);
        WORDS.put("outfile", KW, W_OUTFILE);
        WORDS.put("dumpfile", KW, W_OUTFILE);
        for (String w : new String[] {"like", "rlike", "regexp", "glob", "sounds"}) WORDS.put(w, CMP, W_NONE);
        for (String w : new String[] {"null", "true", "false"}) WORDS.put(w, LIT, W_NONE);
        // Function names: sleepy ones are dangerous wherever they are called; known ones are SQL's, and
        // may be followed by a space before the parenthesis unless they are also English words.
        for (String w : new String[] {"sleep", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "xmltype",
                "randomblob", "dbms_pipe", "receive_message", "utl_inaddr", "utl_http", "dbms_lock", "get_host_address"}) WORDS.put(w, NAME, W_SLEEPY);
        for (String w : new String[] {"concat", "concat_ws", "group_concat", "char", "chr", "ascii", "substring", "substr", "mid", "ord", "hex",
                "unhex", "if", "iif", "ifnull", "nullif", "coalesce", "version", "database", "current_user", "system_user", "session_user",
                "count", "cast", "convert", "length", "floor", "rand", "md5", "sha1", "elt", "make_set", "find_in_set", "strcmp", "instr",
                "locate", "lower", "upper", "left", "right", "reverse", "now", "sysdate", "pow", "json_extract", "unistr", "name_const",
                "db_name", "user_name", "schema_name", "table_name", "column_name", "isnull", "decode", "compress", "uncompress", "trim",
                "rtrim", "ltrim", "sin", "cos", "exp", "lo_get", "lo_import", "div", "string_to_array", "array_to_string", "char_length",
                "row_count", "found_rows", "last_insert_id", "connection_id", "sqlite_version"}) {
            if (WORDS.type(w) == 0) WORDS.put(w, NAME, W_KNOWN);
        }
    }

    /** English words that are also SQL function names: a call only when the parenthesis follows at once. */
    private static boolean english(String s, int from, int to) {
        int n = to - from;
        return switch (n) {
            case 2 -> s.regionMatches(true, from, "if", 0, 2);
            case 3 -> s.regionMatches(true, from, "mid", 0, 3) || s.regionMatches(true, from, "now", 0, 3) || s.regionMatches(true, from, "sin", 0, 3)
                    || s.regionMatches(true, from, "cos", 0, 3) || s.regionMatches(true, from, "ord", 0, 3) || s.regionMatches(true, from, "hex", 0, 3)
                    || s.regionMatches(true, from, "div", 0, 3) || s.regionMatches(true, from, "exp", 0, 3) || s.regionMatches(true, from, "pow", 0, 3);
            case 4 -> s.regionMatches(true, from, "char", 0, 4) || s.regionMatches(true, from, "left", 0, 4) || s.regionMatches(true, from, "cast", 0, 4)
                    || s.regionMatches(true, from, "user", 0, 4) || s.regionMatches(true, from, "rand", 0, 4) || s.regionMatches(true, from, "trim", 0, 4);
            case 5 -> s.regionMatches(true, from, "count", 0, 5) || s.regionMatches(true, from, "right", 0, 5) || s.regionMatches(true, from, "lower", 0, 5)
                    || s.regionMatches(true, from, "upper", 0, 5) || s.regionMatches(true, from, "floor", 0, 5);
            case 6 -> s.regionMatches(true, from, "length", 0, 6) || s.regionMatches(true, from, "locate", 0, 6) || s.regionMatches(true, from, "decode", 0, 6);
            case 7 -> s.regionMatches(true, from, "convert", 0, 7) || s.regionMatches(true, from, "reverse", 0, 7) || s.regionMatches(true, from, "version", 0, 7);
            case 8 -> s.regionMatches(true, from, "compress", 0, 8) || s.regionMatches(true, from, "database", 0, 8);
            case 9 -> s.regionMatches(true, from, "benchmark", 0, 9);
            default -> false;
        };
    }

    /**
     * What {@link #interesting} looks for, as literals: one of them is in every value this detector can
     * match, so a rule using it skips, by the inspector's one literal scan, the values without.
     */
    static final List<String> NEEDS = List.of("'", "\"", "`", ";", "(", "=", "<", ">", "#", "!", "--", "/*", "union");

    public static boolean matches(String value) {
        if (value == null || value.length() < 2 || !interesting(value)) return false;
        Tokens t = BUFFERS.get();
        if (attack(t.read(value, (char) 0))) return true;
        if (value.indexOf('\'') >= 0 && attack(t.read(value, '\''))) return true;
        if (value.indexOf('"') >= 0 && attack(t.read(value, '"'))) return true;
        return value.indexOf('`') >= 0 && attack(t.read(value, '`')); // a MySQL identifier: admin`;
    }

    /** Whether the value holds anything an injection needs: a quote, {@code ; ( = < > # -- /*}, or the word union. */
    private static boolean interesting(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            switch (s.charAt(i)) {
                case '\'', '"', '`', ';', '(', '=', '<', '>', '#', '!' -> { return true; }
                case '-' -> { if (i + 1 < n && s.charAt(i + 1) == '-') return true; }
                case '*' -> { if (i > 0 && s.charAt(i - 1) == '/') return true; }
                case 'u', 'U' -> { if (s.regionMatches(true, i, "union", 0, 5)) return true; }
                default -> { }
            }
        }
        return false;
    }

    private static final ThreadLocal<Tokens> BUFFERS = ThreadLocal.withInitial(Tokens::new);

    // ---- the decision -------------------------------------------------------------------------------

    private static boolean attack(Tokens t) {
        if (t.n == 0) return false;
        if (t.breakout && breakout(t)) return true;
        if (!t.breakout && numericStart(t)) return true;
        while (true) {
            if (anywhere(t, t.done ? t.n : t.n - OVERLAP)) return true;
            if (t.done) return false;
            t.next();
        }
    }

    /** The patterns that count wherever they start, for starts before {@code limit}. */
    private static boolean anywhere(Tokens t, int limit) {
        for (int i = 0; i < limit; i++) {
            byte ty = t.type[i];
            if (ty == UNION && unionSelect(t, i)) return true;
            if (ty == SEMI && stackedStatement(t, i + 1, false)) return true;
            if (ty == SELECT && selectReadsAsSql(t, i + 1)) return true;
            if (ty == STMT && t.word[i] == W_WAITFOR && t.is(i + 1, KW, W_DELAY) && t.type(i + 2) == STR) return true;
            if ((ty == STR || ty == RPAR) && i + 1 < t.n && tautologyAfter(t, i + 1, false)) return true;
            if (!t.breakout && ty == STR && (i == 0 && t.first || i > 0 && t.type(i - 1) == CMP) && t.type(i + 1) == CMP && t.type(i + 2) == STR) return true; // 'x'!='y , q='x'!='y
            if (ty == NUM && t.type(i + 1) == LOGIC && literalComparison(t, t.skip(i + 2, LPAR))) return true; // <a x="1 or 1=1">
            if (ty == STMT && statementAnywhere(t, i)) return true;
            if (ty == KW && t.word[i] == W_AS && i > 0 && aliasFrom(t, i)) return true;
        }
        return false;
    }

    /** Token 0 is the literal the value closes: what follows it makes it an injection. */
    private static boolean breakout(Tokens t) {
        int i = t.skip(1, RPAR);
        byte ty = t.type(i);
        switch (ty) {
            case 0: return false; // the value only closed a string
            case COMMENT: return true; // admin'-- , admin')#
            case SEMI: { // admin'; … : the end, a comment or a statement
                byte next = t.type(i + 1);
                return next == 0 || next == COMMENT || next == SELECT || next == STMT || next == FUNC || next == VAR || next == LPAR
                        || stackedStatement(t, i + 1, true);
            }
            case LOGIC: case NOT: return logicTail(t, i + 1, true);
            case UNION: return unionSelect(t, i);
            case SELECT: return selectReadsAsSql(t, i + 1) || selectAfterBreakout(t, i + 1);
            case STMT: return stackedStatement(t, i, true);
            case OP: { // '+sleep(5)+' , '||(select …)||' , ' || 1=1
                int j = t.skip(i + 1, LPAR);
                byte next = t.type(j);
                if (next == FUNC || next == SELECT || next == STMT && t.word[j] == W_WAITFOR) return true;
                return t.len(i) == 2 && (t.op(i, '|') || t.op(i, '&')) && logicTail(t, i + 1, false);
            }
            case FUNC: return t.word[i] == W_SLEEPY || t.word[i] == W_KNOWN;
            case LPAR: {
                int j = t.skip(i, LPAR);
                return t.type(j) == SELECT;
            }
            case KW: {
                byte w = t.word[i];
                if ((w == W_ORDER || w == W_GROUP) && t.is(i + 1, KW, W_BY)) {
                    byte next = t.type(i + 2);
                    return next == NUM || next == NAME && (t.type(i + 3) == 0 || t.type(i + 3) == COMMENT || t.type(i + 3) == COMMA);
                }
                if (w == W_INTO) return t.is(i + 1, KW, W_OUTFILE);
                if (w == W_HAVING || w == W_WHERE) return logicTail(t, i + 1, true);
                if (w == W_LIMIT) return t.type(i + 1) == NUM;
                if (w == W_FROM) return t.type(i + 1) == 0; // 6 As" from
                if (w == W_AS) return (t.type(i + 1) == NAME || t.type(i + 1) == STR) && t.is(i + 2, KW, W_FROM); // ` AS `x` FROM
                return false;
            }
            default: return false;
        }
    }

    /** Statements that read as SQL wherever they are: alter table `t`, create table t (, exec @q, exec (@q), exec xp_cmdshell. */
    private static boolean statementAnywhere(Tokens t, int i) {
        byte w = t.word[i];
        if (w == W_DDL || w == W_TRUNCATE) {
            return t.is(i + 1, KW, W_OBJECT) && t.type(i + 2) == NAME && (t.quoted(i + 2) || t.type(i + 3) == LPAR);
        }
        if (w == W_EXEC) {
            int j = t.type(i + 1) == LPAR ? i + 2 : i + 1;
            return t.type(j) == VAR || t.type(j) == NAME && (t.type(j + 1) == DOT || t.len(j) > 3 && t.value.charAt(t.start[j] + 2) == '_');
        }
        return false;
    }

    /** 1 AS "x" FROM, `a` AS `b` FROM: a column alias in a select list. */
    private static boolean aliasFrom(Tokens t, int i) {
        byte before = t.type(i - 1), after = t.type(i + 1);
        boolean sqlBefore = before == NUM || before == STR || before == NAME && t.quoted(i - 1) || before == RPAR;
        boolean sqlAfter = after == STR || after == NAME && t.quoted(i + 1);
        return sqlBefore && sqlAfter && t.is(i + 2, KW, W_FROM);
    }

    /** After OR/AND (and after a breakout, when {@code loose}): an operand that completes the clause. */
    private static boolean logicTail(Tokens t, int i, boolean loose) {
        while (t.type(i) == NOT || t.type(i) == OP && t.op(i, '!')) i++;
        int j = t.skip(i, LPAR);
        byte ty = t.type(j);
        if (ty == FUNC || ty == SELECT) return true; // ' and sleep(5) , ' and (select …)
        if (ty == STMT && t.word[j] == W_WAITFOR) return true;
        if (comparison(t, j, loose)) return true;
        if (!loose) return false;
        // ' or 1-- , 'or'1 , ' or true# : an operand and then the end of the statement
        if (ty == NUM || ty == STR || ty == LIT || ty == VAR) {
            int k = t.skip(j + 1, RPAR);
            byte end = t.type(k);
            return end == 0 || end == COMMENT || end == SEMI;
        }
        return false;
    }

    /** Token i starts {@code operand comparison operand}: 1=1, 'a'='a', x is null, 1 like 1. */
    private static boolean tautologyAfter(Tokens t, int i, boolean names) {
        if (t.type(i) != LOGIC && !(t.type(i) == OP && (t.op(i, '|') || t.op(i, '&')) && t.len(i) == 2)) return false;
        return comparison(t, t.skip(i + 1, LPAR), names);
    }

    private static boolean comparison(Tokens t, int i, boolean names) {
        byte a = t.type(i);
        if (!operand(a)) return false;
        int j = i + 1;
        if (a == FUNC) j = t.closing(i + 1);
        j = t.skip(j, RPAR);
        if (t.is(j, KW, W_IS)) {
            int k = t.type(j + 1) == NOT ? j + 2 : j + 1;
            return t.type(k) == LIT;
        }
        if (t.type(j) == NOT) j++;
        if (t.type(j) != CMP) return false;
        int k = t.skip(j + 1, LPAR);
        while (t.type(k) == OP && (t.op(k, '-') || t.op(k, '+') || t.op(k, '~'))) k++;
        byte b = t.type(k);
        if (!operand(b)) return false;
        // a name on the left only after a breakout: "Tom and Jerry = fun", "'debug' and level=3" are prose
        return names || a != NAME && (b != NAME || a == NUM || a == STR);
    }

    /** literal = literal: 1=1, '1'='1' (no names: "5 or 6 = eleven" is prose). */
    private static boolean literalComparison(Tokens t, int i) {
        byte a = t.type(i), b = t.type(i + 2);
        return (a == NUM || a == STR) && t.type(i + 1) == CMP && (b == NUM || b == STR) && t.type(i + 3) != NAME;
    }

    private static boolean operand(byte ty) {
        return ty == NUM || ty == STR || ty == NAME || ty == LIT || ty == VAR || ty == FUNC;
    }

    /** As-is, a value that starts like a number (or a bare clause) continuing the query: 1 or 1=1, 1) and sleep(5), or 1=1. */
    private static boolean numericStart(Tokens t) {
        int i = 0;
        byte first = t.type(0);
        if (first == NUM || first == VAR) i = 1;
        else if (first == OP && (t.op(0, '-') || t.op(0, '+')) && t.type(1) == NUM) i = 2;
        i = t.skip(i, RPAR);
        if (t.type(i) != LOGIC) return false;
        int j = i + 1;
        while (t.type(j) == NOT) j++;
        j = t.skip(j, LPAR);
        byte ty = t.type(j);
        if (ty == FUNC && (t.word[j] == W_SLEEPY || t.word[j] == W_KNOWN)) return true;
        if (ty == SELECT) return true;
        if (ty == LIT) { // 1 or true-- , or true
            byte end = t.type(j + 1);
            return end == 0 || end == COMMENT || end == SEMI;
        }
        return comparison(t, j, false);
    }

    /** UNION [ALL | DISTINCT] [(] SELECT. */
    private static boolean unionSelect(Tokens t, int i) {
        int j = i + 1;
        if (t.is(j, KW, W_ALL) || t.is(j, KW, W_DISTINCT)) j++;
        j = t.skip(j, LPAR);
        return t.type(j) == SELECT;
    }

    /**
     * Token i, after a {@code ;} (or a breakout, when {@code loose}), starts a statement that reads as SQL:
     * not "; update the docs" but "; update t set", "; drop table", "; insert into", "; declare @x".
     */
    private static boolean stackedStatement(Tokens t, int i, boolean loose) {
        byte ty = t.type(i);
        if (ty == SELECT) return selectReadsAsSql(t, i + 1) || loose && selectAfterBreakout(t, i + 1);
        if (ty == FUNC) return t.word[i] == W_SLEEPY && t.noSpaceBefore(i + 1); // ;sleep(5) , not "; sleep (8 hours)"
        if (ty != STMT) return false;
        byte next = t.type(i + 1);
        return switch (t.word[i]) {
            case W_INSERT, W_REPLACE -> t.is(i + 1, KW, W_INTO) || t.word[i] == W_REPLACE && next == NAME && t.type(i + 2) == LPAR && t.within(i + 2, 12, KW, W_VALUES);
            case W_UPDATE -> (next == NAME || next == STR) && t.is(i + 2, STMT, W_SET);
            case W_DELETE -> t.is(i + 1, KW, W_FROM);
            case W_DDL -> t.is(i + 1, KW, W_OBJECT) || next == NAME && t.quoted(i + 1);
            case W_TRUNCATE -> t.is(i + 1, KW, W_OBJECT) || next == NAME && (t.quoted(i + 1) || loose);
            case W_EXEC -> next == VAR || next == LPAR || next == NAME && (t.sqlName(i + 1) || loose);
            case W_DECLARE -> next == VAR;
            case W_SHUTDOWN -> next == 0 || next == COMMENT || next == SEMI;
            case W_WAITFOR -> t.is(i + 1, KW, W_DELAY);
            case W_SET -> next == VAR && t.type(i + 2) == CMP;
            case W_GRANT -> t.is(i + 1, KW, W_ALL) || next == NAME && t.within(i + 1, 6, KW, W_OBJECT);
            default -> false;
        };
    }

    /** What follows SELECT makes it SQL: a function call, *, @@variable, a subquery, or a column list FROM … WHERE/LIMIT/-- . */
    private static boolean selectReadsAsSql(Tokens t, int i) {
        int j = i;
        if (t.is(j, KW, W_ALL) || t.is(j, KW, W_DISTINCT)) j++;
        j = t.skip(j, LPAR);
        byte ty = t.type(j);
        if (ty == FUNC) return t.word[j] == W_SLEEPY || t.word[j] == W_KNOWN || unusual(t.value, t.start[j], t.end[j]);
        if (ty == SELECT) return true;
        if (ty == VAR) return t.len(j) > 2 && t.value.charAt(t.start[j] + 1) == '@'; // @@version
        if (ty == OP && t.op(j, '*')) return t.type(j + 1) == 0 || t.is(j + 1, KW, W_FROM) || t.type(j + 1) == RPAR;
        if (ty == NAME || ty == NUM || ty == LIT) {
            // select a, b from t where … : a column list, FROM, a name, then a clause or the statement's end
            int k = j + 1;
            while (t.type(k) == COMMA && operand(t.type(k + 1))) k += 2;
            if (!t.is(k, KW, W_FROM)) return false;
            byte src = t.type(k + 1);
            if (src != NAME && src != LPAR) return false;
            int m = k + 2;
            while (t.type(m) == DOT && t.type(m + 1) == NAME) m += 2;
            return t.is(m, KW, W_WHERE) || t.is(m, KW, W_LIMIT) || t.type(m) == COMMENT || t.type(m) == SEMI
                    || (t.is(m, KW, W_ORDER) || t.is(m, KW, W_GROUP)) && t.is(m + 1, KW, W_BY) || src == LPAR;
        }
        return false;
    }

    /** After a breakout even a short SELECT is one: 'select H , ';select p */
    private static boolean selectAfterBreakout(Tokens t, int i) {
        byte ty = t.type(i);
        if (ty == 0 || ty == COMMENT) return true;
        if (ty == NAME || ty == NUM || ty == LIT) {
            byte next = t.type(i + 1);
            return next == 0 || next == COMMENT || next == COMMA || next == SEMI || t.is(i + 1, KW, W_FROM);
        }
        return false;
    }

    // ---- the tokenizer ------------------------------------------------------------------------------

    /** The tokens of one reading of a value, in reused arrays (one set per thread). */
    static final class Tokens {
        String value;
        int n;
        /** Whether the reading began inside a literal; whether this is the value's first window; whether the value is read to its end. */
        boolean breakout, first, done;
        /** Where the next window's reading resumes, and whether a blank came right before that. */
        private int pos;
        private boolean pendingSpace;
        final byte[] type = new byte[WINDOW];
        final byte[] word = new byte[WINDOW];
        final int[] start = new int[WINDOW];
        final int[] end = new int[WINDOW];
        /** Whether white space or a comment came right before the token. */
        final boolean[] spaced = new boolean[WINDOW];

        byte type(int i) {
            return i < n ? type[i] : 0;
        }

        boolean is(int i, byte ty, byte w) {
            return i < n && type[i] == ty && word[i] == w;
        }

        int len(int i) {
            return end[i] - start[i];
        }

        boolean op(int i, char c) {
            return i < n && value.charAt(start[i]) == c;
        }

        int skip(int i, byte ty) {
            while (i < n && type[i] == ty) i++;
            return i;
        }

        boolean noSpaceBefore(int i) {
            return i >= n || !spaced[i];
        }

        /** A name in backticks or brackets: `t`, [t] — SQL, not prose. */
        boolean quoted(int i) {
            char c = value.charAt(start[i]);
            return c == '`' || c == '[';
        }

        /** A name only SQL uses: quoted, or with an underscore, a dot after it or a digit (xp_cmdshell, master.dbo). */
        boolean sqlName(int i) {
            if (quoted(i) || type(i + 1) == DOT) return true;
            for (int k = start[i]; k < end[i]; k++) {
                char c = value.charAt(k);
                if (c == '_' || c >= '0' && c <= '9') return true;
            }
            return false;
        }

        boolean within(int from, int count, byte ty, byte w) {
            for (int k = from; k < n && k < from + count; k++) if (type[k] == ty && word[k] == w) return true;
            return false;
        }

        /** The token after the parenthesis group that starts at {@code i} (a '(' ), or {@code i} when it is none. */
        int closing(int i) {
            if (type(i) != LPAR) return i;
            int depth = 0;
            for (int k = i; k < n; k++) {
                if (type[k] == LPAR) depth++;
                else if (type[k] == RPAR && --depth == 0) return k + 1;
            }
            return n;
        }

        private void add(byte ty, byte w, int from, int to, boolean space) {
            type[n] = ty;
            word[n] = w;
            start[n] = from;
            end[n] = to;
            spaced[n] = space;
            n++;
        }

        /** The next window: the last {@link #OVERLAP} tokens moved to the front, then reading goes on. */
        void next() {
            int keep = OVERLAP, from = n - keep;
            System.arraycopy(type, from, type, 0, keep);
            System.arraycopy(word, from, word, 0, keep);
            System.arraycopy(start, from, start, 0, keep);
            System.arraycopy(end, from, end, 0, keep);
            System.arraycopy(spaced, from, spaced, 0, keep);
            n = keep;
            first = false;
            scan();
        }

        /** Reads {@code s} as SQL; with {@code quote}, as if it continued a literal opened by that quote. */
        Tokens read(String s, char quote) {
            value = s;
            n = 0;
            breakout = quote != 0;
            first = true;
            pos = 0;
            pendingSpace = false;
            if (breakout) {
                int close = s.indexOf(quote);
                add(STR, W_NONE, 0, close, false);
                pos = close + 1;
            }
            scan();
            return this;
        }

        /** Reads tokens from {@link #pos} until the window is full or the value ends. */
        private void scan() {
            String s = value;
            int len = s.length();
            int i = pos;
            boolean space = pendingSpace;
            while (i < len && n < WINDOW) {
                char c = s.charAt(i);
                if (c <= ' ' || c == 0xa0) {
                    i++;
                    space = true;
                    continue;
                }
                int from = i;
                switch (c) {
                    case '\'', '"' -> i = string(s, i, c);
                    case '`' -> {
                        int e = s.indexOf('`', i + 1);
                        i = e < 0 ? len : e + 1;
                        add(NAME, W_NONE, from, i, space);
                        space = false;
                        continue;
                    }
                    case '[' -> {
                        int e = s.indexOf(']', i + 1);
                        if (e > i + 1 && e - i < 64 && word(s, i + 1, e)) {
                            i = e + 1;
                            add(NAME, W_NONE, from, i, space);
                        } else if (e < 0 && i + 1 < len && wordStart(s.charAt(i + 1))) { // [name without its ]
                            i = wordEnd(s, i + 1);
                            add(NAME, W_NONE, from, i, space);
                        } else {
                            i++;
                            add(OTHER, W_NONE, from, i, space);
                        }
                        space = false;
                        continue;
                    }
                    case '(' -> { add(LPAR, W_NONE, i, ++i, space); space = false; continue; }
                    case ')' -> { add(RPAR, W_NONE, i, ++i, space); space = false; continue; }
                    case ',' -> { add(COMMA, W_NONE, i, ++i, space); space = false; continue; }
                    case ';' -> { add(SEMI, W_NONE, i, ++i, space); space = false; continue; }
                    case '#' -> {
                        i = lineEnd(s, i);
                        add(COMMENT, W_NONE, from, i, space);
                        space = true;
                        continue;
                    }
                    case '@' -> {
                        int j = i + 1;
                        if (j < len && s.charAt(j) == '@') j++;
                        while (j < len && wordChar(s.charAt(j))) j++;
                        i = j;
                        add(VAR, W_NONE, from, i, space);
                        space = false;
                        continue;
                    }
                    default -> { }
                }
                if (c == '\'' || c == '"') {
                    add(STR, W_NONE, from, i, space);
                    space = false;
                    continue;
                }
                if (c == '/' && i + 1 < len && s.charAt(i + 1) == '*') {
                    if (i + 2 < len && s.charAt(i + 2) == '!') { // MySQL runs what is inside: read it as code
                        i += 3;
                        while (i < len && Character.isDigit(s.charAt(i))) i++;
                    } else {
                        int e = s.indexOf("*/", i + 2);
                        if (e < 0) {
                            add(COMMENT, W_NONE, from, len, space);
                            i = len;
                        } else {
                            i = e + 2;
                        }
                    }
                    space = true;
                    continue;
                }
                if (c == '*' && i + 1 < len && s.charAt(i + 1) == '/') { // the end of an executable comment
                    i += 2;
                    space = true;
                    continue;
                }
                if (c == '-' && i + 1 < len && s.charAt(i + 1) == '-') {
                    i = lineEnd(s, i);
                    add(COMMENT, W_NONE, from, i, space);
                    space = true;
                    continue;
                }
                if (c >= '0' && c <= '9' || c == '.' && i + 1 < len && Character.isDigit(s.charAt(i + 1))) {
                    int e = number(s, i);
                    if (e < len && wordStart(s.charAt(e))) { // 5desc, 4AND4: MySQL reads a name
                        e = wordEnd(s, e);
                        add(NAME, W_NONE, from, e, space);
                    } else {
                        add(NUM, W_NONE, from, e, space);
                    }
                    i = e;
                    space = false;
                    continue;
                }
                if (wordStart(c)) {
                    i = wordToken(s, i, space);
                    space = false;
                    continue;
                }
                i = operator(s, i, space);
                space = false;
            }
            pos = i;
            pendingSpace = space;
            done = i >= len;
        }

        /** A word: a keyword, a function call (a name and its parenthesis), or a name. Comments glued inside (UN/**}{@code /ION) join it. */
        private int wordToken(String s, int i, boolean space) {
            int len = s.length();
            int from = i;
            int e = wordEnd(s, i);
            byte ty = WORDS.type(s, from, e);
            byte w = WORDS.word(s, from, e);
            // UN/**/ION, SEL/**/ECT: a comment between two halves of a keyword, as some filters strip them
            if (ty == 0 && e + 3 < len && s.charAt(e) == '/' && s.charAt(e + 1) == '*' && s.charAt(e + 2) != '!') {
                int close = s.indexOf("*/", e + 2);
                if (close > 0 && close + 2 < len && wordStart(s.charAt(close + 2))) {
                    int e2 = wordEnd(s, close + 2);
                    byte joined = WORDS.joinedType(s, from, e, close + 2, e2);
                    if (joined == UNION || joined == SELECT || joined == LOGIC || joined == STMT) {
                        add(joined, WORDS.joinedWord(s, from, e, close + 2, e2), from, e2, space);
                        return e2;
                    }
                }
            }
            // a function call: the parenthesis at once, or after blanks for names that are not English words
            int p = e;
            boolean gap = false;
            while (p < len) {
                char c = s.charAt(p);
                if (c <= ' ' || c == 0xa0) {
                    p++;
                    gap = true;
                } else if (c == '/' && p + 1 < len && s.charAt(p + 1) == '*' && (p + 2 >= len || s.charAt(p + 2) != '!')) {
                    int close = s.indexOf("*/", p + 2);
                    if (close < 0) break;
                    p = close + 2;
                    gap = true;
                } else {
                    break;
                }
            }
            if (p < len && s.charAt(p) == '(' && (ty == 0 || ty == NAME)) {
                boolean call = !gap || (w == W_KNOWN || w == W_SLEEPY) && !english(s, from, e) || unusual(s, from, e);
                if (call) {
                    add(FUNC, w, from, e, space);
                    return e;
                }
            }
            add(ty == 0 ? NAME : ty, w, from, e, space);
            return e;
        }

        /** Operators and comparisons, longest first. */
        private int operator(String s, int i, boolean space) {
            int len = s.length();
            char c = s.charAt(i);
            char d = i + 1 < len ? s.charAt(i + 1) : 0;
            char f = i + 2 < len ? s.charAt(i + 2) : 0;
            int from = i;
            switch (c) {
                case '=' -> add(CMP, W_NONE, from, d == '=' ? i + 2 : i + 1, space);
                case '<' -> {
                    if (d == '=' && f == '>') add(CMP, W_NONE, from, i + 3, space);
                    else if (d == '=' || d == '>') add(CMP, W_NONE, from, i + 2, space);
                    else if (d == '<' || d == '@') add(OP, W_NONE, from, i + 2, space);
                    else add(CMP, W_NONE, from, i + 1, space);
                }
                case '>' -> {
                    if (d == '=') add(CMP, W_NONE, from, i + 2, space);
                    else if (d == '>') add(OP, W_NONE, from, i + 2, space);
                    else add(CMP, W_NONE, from, i + 1, space);
                }
                case '!' -> {
                    if (d == '=') add(CMP, W_NONE, from, i + 2, space);
                    else if (d == '<' || d == '>') add(CMP, W_NONE, from, i + 2, space);
                    else add(OP, W_NONE, from, i + 1, space);
                }
                case ':' -> {
                    if (d == '=') add(CMP, W_NONE, from, i + 2, space); // := assignment, as good as a comparison for a tautology
                    else if (d == ':') add(OP, W_NONE, from, i + 2, space);
                    else add(OTHER, W_NONE, from, i + 1, space);
                }
                case '|', '&' -> add(OP, W_NONE, from, d == c ? i + 2 : i + 1, space);
                case '+', '-', '*', '/', '%', '^', '~' -> add(OP, W_NONE, from, i + 1, space);
                case '.' -> add(DOT, W_NONE, from, i + 1, space);
                default -> add(OTHER, W_NONE, from, i + 1, space);
            }
            return end[n - 1];
        }
    }

    /** A literal from the quote at {@code i}: its end (after the closing quote; doubled quotes are escaped ones), or the value's end. */
    private static int string(String s, int i, char q) {
        int len = s.length();
        int j = i + 1;
        while (true) {
            int e = s.indexOf(q, j);
            if (e < 0) return len;
            if (e + 1 < len && s.charAt(e + 1) == q) {
                j = e + 2;
                continue;
            }
            return e + 1;
        }
    }

    private static int lineEnd(String s, int i) {
        int e = s.indexOf('\n', i);
        return e < 0 ? s.length() : e;
    }

    /** digits [. digits] [e [sign] digits], 0x…, 0b…: the end of the number at {@code i}. */
    private static int number(String s, int i) {
        int len = s.length();
        if (s.charAt(i) == '0' && i + 2 < len && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X' || s.charAt(i + 1) == 'b' || s.charAt(i + 1) == 'B')) {
            int j = i + 2;
            while (j < len && Character.digit(s.charAt(j), 16) >= 0) j++;
            if (j > i + 2) return j;
        }
        int j = i;
        while (j < len && Character.isDigit(s.charAt(j))) j++;
        if (j < len && s.charAt(j) == '.') {
            j++;
            while (j < len && Character.isDigit(s.charAt(j))) j++;
        }
        if (j < len && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < len && (s.charAt(k) == '+' || s.charAt(k) == '-')) k++;
            if (k < len && Character.isDigit(s.charAt(k))) {
                while (k < len && Character.isDigit(s.charAt(k))) k++;
                return k;
            }
            if (k >= len || !wordChar(s.charAt(k))) return k; // 1.e( , 1e: MySQL's number without exponent digits
        }
        return j;
    }

    static boolean wordStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c >= 0x80 && Character.isLetter(c);
    }

    static boolean wordChar(char c) {
        return wordStart(c) || c >= '0' && c <= '9';
    }

    private static int wordEnd(String s, int i) {
        int len = s.length();
        while (i < len && wordChar(s.charAt(i))) i++;
        return i;
    }

    private static boolean word(String s, int from, int to) {
        for (int k = from; k < to; k++) if (!wordChar(s.charAt(k)) && s.charAt(k) != ' ') return false;
        return true;
    }

    /** A name that no prose uses before a parenthesis: with an underscore or a digit (sqlite_compileoption_used, xp_cmdshell). */
    private static boolean unusual(String s, int from, int to) {
        for (int k = from + 1; k < to; k++) {
            char c = s.charAt(k);
            if (c == '_' || c >= '0' && c <= '9') return true;
        }
        return false;
    }

    /**
     * Lower-case ASCII words to (type, word id), looked up without allocating: open addressing over a
     * case-insensitive hash of the characters.
     */
    static final class WordTable {
        private final String[] keys = new String[512];
        private final byte[] types = new byte[512];
        private final byte[] words = new byte[512];

        void put(String k, byte type, byte word) {
            int h = hash(k, 0, k.length(), null, 0, 0) & (keys.length - 1);
            while (keys[h] != null && !keys[h].equals(k)) h = (h + 1) & (keys.length - 1);
            keys[h] = k;
            types[h] = type;
            words[h] = word;
        }

        byte type(String k) {
            int slot = find(k, 0, k.length(), 0, 0);
            return slot < 0 ? 0 : types[slot];
        }

        byte type(String s, int from, int to) {
            int slot = find(s, from, to, 0, 0);
            return slot < 0 ? 0 : types[slot];
        }

        byte word(String s, int from, int to) {
            int slot = find(s, from, to, 0, 0);
            return slot < 0 ? 0 : words[slot];
        }

        /** The word made of s[from, to) and s[from2, to2) together. */
        byte joinedType(String s, int from, int to, int from2, int to2) {
            int slot = find(s, from, to, from2, to2);
            return slot < 0 ? 0 : types[slot];
        }

        byte joinedWord(String s, int from, int to, int from2, int to2) {
            int slot = find(s, from, to, from2, to2);
            return slot < 0 ? 0 : words[slot];
        }

        private int find(String s, int from, int to, int from2, int to2) {
            int length = to - from + to2 - from2;
            if (length < 2 || length > 24) return -1;
            int h = hash(s, from, to, s, from2, to2) & (keys.length - 1);
            while (keys[h] != null) {
                String k = keys[h];
                if (k.length() == length && k.regionMatches(true, 0, s, from, to - from)
                        && k.regionMatches(true, to - from, s, from2, to2 - from2)) return h;
                h = (h + 1) & (keys.length - 1);
            }
            return -1;
        }

        private static int hash(String a, int from, int to, String b, int from2, int to2) {
            int h = 0;
            for (int k = from; k < to; k++) h = h * 31 + lower(a.charAt(k));
            for (int k = from2; k < to2; k++) h = h * 31 + lower(b.charAt(k));
            return h ^ (h >>> 9);
        }

        private static char lower(char c) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
    }
}
