package dev.bastion.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bastion.config.GraphqlConfig;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.parser.Parser;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Fuzzes {@link GraphqlLimits} with arbitrary documents, as a document and as a JSON body. Properties: the
 * check always answers (Ok or a Refusal with a stable code; a hostile document cannot exhaust the parser or
 * the stack); a refusal never quotes the document; and what passes is within every limit — the reported
 * measures, and the depth recomputed here independently (fragments expanded, inline fragments transparent).
 */
class GraphqlLimitsFuzzTest {
    static final GraphqlConfig CONFIG = new GraphqlConfig(5, 3, 50, 200, null, null, null, 3);
    static final GraphqlLimits LIMITS = new GraphqlLimits(CONFIG, true);

    @FuzzTest(maxDuration = "10s")
    void passedDocumentsAreWithinLimits(byte[] input) {
        String document = new String(input, StandardCharsets.UTF_8);
        GraphqlLimits.Result asDocument = LIMITS.check(document, null);
        check(document, asDocument);
        if (asDocument instanceof GraphqlLimits.Ok) {
            assertThat(independentDepth(document)).as("depth of %s", document).isLessThanOrEqualTo(CONFIG.maxDepth());
        }
        check(document, LIMITS.checkJson(input));
        check(document, LIMITS.checkPost("application/graphql", input, null));
    }

    private static void check(String document, GraphqlLimits.Result r) {
        assertThat(r).isNotNull();
        if (r instanceof GraphqlLimits.Refusal refusal) {
            assertThat(refusal.code()).isNotNull();
            if (document.strip().length() >= 8) assertThat(refusal.message()).doesNotContain(document.strip());
        } else if (r instanceof GraphqlLimits.Ok ok) {
            assertThat(ok.operations()).isPositive();
            assertThat(ok.depth()).isLessThanOrEqualTo(CONFIG.maxDepth());
            assertThat(ok.aliases()).isLessThanOrEqualTo(CONFIG.maxAliases());
            assertThat(ok.fields()).isLessThanOrEqualTo(CONFIG.maxFields());
            assertThat(ok.complexity()).isLessThanOrEqualTo(CONFIG.maxComplexity());
        }
    }

    /** The deepest field nesting of any operation, fragments expanded (the document passed, so they are acyclic). */
    static int independentDepth(String document) {
        Document doc = Parser.parse(document);
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        doc.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
        int max = 0;
        for (OperationDefinition op : doc.getDefinitionsOfType(OperationDefinition.class)) {
            max = Math.max(max, depth(op.getSelectionSet(), fragments, 0));
        }
        return max;
    }

    private static int depth(SelectionSet set, Map<String, FragmentDefinition> fragments, int guard) {
        if (set == null || guard > 200) return 0;
        int max = 0;
        for (Selection<?> s : set.getSelections()) {
            int d = switch (s) {
                case Field f -> 1 + depth(f.getSelectionSet(), fragments, guard + 1);
                case InlineFragment i -> depth(i.getSelectionSet(), fragments, guard + 1);
                case FragmentSpread sp -> fragments.containsKey(sp.getName())
                        ? depth(fragments.get(sp.getName()).getSelectionSet(), fragments, guard + 1) : 0;
                default -> 0;
            };
            max = Math.max(max, d);
        }
        return max;
    }
}
