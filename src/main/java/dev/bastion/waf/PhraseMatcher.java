package dev.bastion.waf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many phrases found in one pass (W1's {@code @pm} operator): an Aho–Corasick automaton over UTF-16
 * chars, built once from a rule's phrase list, then matched in time linear in the text however many
 * phrases there are (CRS lists run to hundreds: scanner user agents, PHP functions, Unix commands).
 * Case-insensitive by construction (both sides lower-cased with {@link Character#toLowerCase(char)}),
 * as CRS's {@code @pm} is. Immutable once built: safe to share between event loops.
 */
public final class PhraseMatcher {
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        Node fail;
        String output;   // the longest phrase ending here, or null
        Node dictLink;   // the nearest node along fail links with an output
    }

    private final Node root = new Node();
    private final int phrases;

    public PhraseMatcher(List<String> phrases) {
        int count = 0;
        for (String p : phrases) {
            if (p == null || p.isEmpty()) continue;
            Node n = root;
            for (int i = 0; i < p.length(); i++) n = n.next.computeIfAbsent(Character.toLowerCase(p.charAt(i)), c -> new Node());
            if (n.output == null || n.output.length() < p.length()) n.output = p;
            count++;
        }
        if (count == 0) throw new IllegalArgumentException("a phrase list needs at least one non-empty phrase");
        this.phrases = count;
        link();
    }

    public int size() {
        return phrases;
    }

    /** Breadth first: each node's failure link is the longest proper suffix that is also a path. */
    private void link() {
        ArrayDeque<Node> queue = new ArrayDeque<>();
        for (Node child : root.next.values()) {
            child.fail = root;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            for (Map.Entry<Character, Node> e : n.next.entrySet()) {
                Node child = e.getValue();
                Node f = n.fail;
                while (f != null && !f.next.containsKey(e.getKey())) f = f.fail;
                child.fail = f == null ? root : f.next.get(e.getKey());
                child.dictLink = child.fail.output != null ? child.fail : child.fail.dictLink;
                queue.add(child);
            }
        }
    }

    /** The first phrase found (the one ending earliest), or null. */
    public String find(String text) {
        Node n = root;
        for (int i = 0; i < text.length(); i++) {
            n = step(n, Character.toLowerCase(text.charAt(i)));
            if (n.output != null) return n.output;
            if (n.dictLink != null) return n.dictLink.output;
        }
        return null;
    }

    /** Every phrase occurrence, as {@code [start, end)} spans in text order of their ends. */
    public List<int[]> findAll(String text) {
        List<int[]> out = new ArrayList<>();
        Node n = root;
        for (int i = 0; i < text.length(); i++) {
            n = step(n, Character.toLowerCase(text.charAt(i)));
            for (Node m = n.output != null ? n : n.dictLink; m != null; m = m.dictLink) {
                out.add(new int[] {i + 1 - m.output.length(), i + 1});
            }
        }
        return out;
    }

    private Node step(Node n, char c) {
        while (n != root && !n.next.containsKey(c)) n = n.fail;
        Node next = n.next.get(c);
        return next == null ? root : next;
    }
}
