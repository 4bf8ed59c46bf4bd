package dev.bastion.supply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's SBOM against deploy/licenses: every runtime dependency under an allowed license (CI gate). */
class LicensePolicyTest {
    static final Path SBOM = Path.of("target/classes/META-INF/sbom/bom.json");
    static final ObjectMapper JSON = new ObjectMapper();

    static LicensePolicy policy() throws Exception {
        return LicensePolicy.load(Path.of("deploy/licenses/allowed.txt"), Path.of("deploy/licenses/exceptions.txt"));
    }

    @Test
    void everyDependencyOfTheBuildHasAnAllowedLicense() throws Exception {
        JsonNode bom = JSON.readTree(SBOM.toFile());
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        // the SBOM lists the runtime dependencies, not the test ones
        assertThat(bom.path("components").findValuesAsText("name")).contains("vertx-core", "jackson-databind", "picocli")
                .doesNotContain("junit-jupiter-api", "assertj-core");
        assertThat(policy().violations(bom)).as("components with a license not in deploy/licenses/allowed.txt").isEmpty();
        assertThat(policy().unusedExceptions(bom)).as("exceptions naming no component").isEmpty();
    }

    @Test
    void aGplOnlyComponentFailsTheCheckByName() throws Exception {
        JsonNode bom = JSON.readTree("""
                {"bomFormat": "CycloneDX", "components": [
                  {"group": "org.example", "name": "fine", "version": "1.0", "licenses": [{"license": {"id": "Apache-2.0"}}]},
                  {"group": "org.example", "name": "copyleft", "version": "2.3", "licenses": [{"license": {"id": "GPL-3.0-only"}}]},
                  {"group": "org.example", "name": "silent", "version": "0.1"},
                  {"group": "org.example", "name": "agpl-and-mit", "version": "1", "licenses": [{"expression": "AGPL-3.0-only AND MIT"}]},
                  {"group": "org.example", "name": "dual", "version": "1", "licenses": [{"expression": "(GPL-2.0-only OR MIT)"}]},
                  {"group": "org.example", "name": "listed-dual", "version": "1", "licenses": [{"license": {"id": "LGPL-2.1-only"}}, {"license": {"id": "EPL-2.0"}}]}
                ]}""");
        assertThat(policy().violations(bom)).containsExactly(
                "org.example:copyleft 2.3: GPL-3.0-only is not on the allow-list",
                "org.example:silent 0.1: declares no license",
                "org.example:agpl-and-mit 1: AGPL-3.0-only AND MIT is not on the allow-list");
    }

    @Test
    void anExceptionNeedsAReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("allowed.txt"), "MIT\n");
        Files.writeString(dir.resolve("exceptions.txt"), "org.example:copyleft\n");
        assertThatThrownBy(() -> LicensePolicy.load(dir.resolve("allowed.txt"), dir.resolve("exceptions.txt")))
                .hasMessageContaining("'org.example:copyleft' has no reason");
    }
}
