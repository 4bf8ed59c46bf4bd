package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operation lookup by method and path: concrete segments first, then mixed ones, then parameters, with backtracking. */
class OperationTableTest {
    static OperationTable table(String... methodAndPaths) {
        OperationTable t = new OperationTable();
        for (String mp : methodAndPaths) {
            String[] p = mp.split(" ");
            t.add(p[1], p[0], new OperationContract(p[0] + " " + p[1], null, null));
        }
        return t;
    }

    static String found(OperationTable t, String method, String path) {
        return t.find(method, path) instanceof OperationTable.Found f ? f.operation().operationId() : null;
    }

    @Test
    void concreteSegmentsWinAndADeadEndFallsBackToTheTemplate() {
        OperationTable t = table("GET /users/{id}", "GET /users/me", "GET /users/{id}/settings", "GET /users/me/avatar");
        assertThat(found(t, "GET", "/users/me")).isEqualTo("GET /users/me");
        assertThat(found(t, "GET", "/users/42")).isEqualTo("GET /users/{id}");
        // "me" is concrete, but /users/me/settings is only documented as /users/{id}/settings.
        assertThat(found(t, "GET", "/users/me/settings")).isEqualTo("GET /users/{id}/settings");
        assertThat(found(t, "GET", "/users/me/avatar")).isEqualTo("GET /users/me/avatar");
        assertThat(((OperationTable.Found) t.find("GET", "/users/me/settings")).params()).isEqualTo(Map.of("id", "me"));
    }

    @Test
    void parametersNeverStandForEmptyOrMissingSegments() {
        OperationTable t = table("GET /pets/{id}", "GET /");
        assertThat(t.find("GET", "/pets/")).isInstanceOf(OperationTable.NoPath.class);
        assertThat(t.find("GET", "/pets")).isInstanceOf(OperationTable.NoPath.class);
        assertThat(t.find("GET", "/pets/1/2")).isInstanceOf(OperationTable.NoPath.class);
        assertThat(found(t, "GET", "/")).isEqualTo("GET /");
    }

    @Test
    void mixedSegmentsSitBetweenLiteralsAndParameters() {
        OperationTable t = table("GET /files/{name}.{ext}", "GET /files/{id}", "GET /files/readme.txt");
        assertThat(found(t, "GET", "/files/readme.txt")).isEqualTo("GET /files/readme.txt");
        OperationTable.Found f = (OperationTable.Found) t.find("GET", "/files/report.2026.pdf");
        assertThat(f.operation().operationId()).isEqualTo("GET /files/{name}.{ext}");
        assertThat(f.params()).isEqualTo(Map.of("name", "report", "ext", "2026.pdf"));
        assertThat(found(t, "GET", "/files/report")).isEqualTo("GET /files/{id}");
    }

    @Test
    void aDocumentedPathWithoutTheMethodGivesEveryMethodThatWouldMatch() {
        OperationTable t = table("GET /pets/{id}", "DELETE /pets/{id}", "PUT /pets/mine");
        OperationTable.Result r = t.find("PATCH", "/pets/mine");
        assertThat(r).isInstanceOf(OperationTable.NoMethod.class);
        assertThat(((OperationTable.NoMethod) r).allowed()).containsExactly("GET", "HEAD", "PUT", "DELETE");
        assertThat(found(t, "DELETE", "/pets/mine")).as("the template serves what the concrete path does not").isEqualTo("DELETE /pets/{id}");
        assertThat(found(t, "HEAD", "/pets/1")).as("HEAD through GET").isEqualTo("GET /pets/{id}");
    }

    @Test
    void theSamePathUnderOtherParameterNamesOrTwiceIsRefused() {
        assertThatThrownBy(() -> table("GET /pets/{id}", "PUT /pets/{name}")).hasMessageContaining("same path");
        assertThatThrownBy(() -> table("GET /a/{x}.json", "GET /a/{y}.json")).hasMessageContaining("same path");
        assertThatThrownBy(() -> table("GET /a/{x", "GET /b")).hasMessageContaining("malformed");
    }

    @Test
    void aLiteralBranchThatDeadEndsDeepDownFallsBackToTheTemplateAtTheRoot() {
        // A literal chain 20 deep that ends nowhere for this path: the search returns through it to the root's parameter.
        StringBuilder literal = new StringBuilder();
        StringBuilder templated = new StringBuilder();
        StringBuilder request = new StringBuilder();
        OperationTable t = new OperationTable();
        for (int i = 0; i < 20; i++) {
            literal.append("/a");
            templated.append("/{p").append(i).append('}');
            request.append("/a");
            t.add(literal + "/end", "GET", new OperationContract("literal" + i, null, null));
        }
        t.add(templated.toString(), "GET", new OperationContract("templated", null, null));
        assertThat(found(t, "GET", request.toString())).isEqualTo("templated");
    }
}
