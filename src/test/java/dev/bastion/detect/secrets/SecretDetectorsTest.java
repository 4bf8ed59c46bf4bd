package dev.bastion.detect.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.Scanner;
import dev.bastion.detect.Spans;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secret detectors: every type found with exact spans in every context, near-misses left alone, and linear
 * time on adversarial input. All credentials are built here from seeded randomness: none is real.
 */
class SecretDetectorsTest {
    private static final Scanner SCANNER = new Scanner(SecretDetectors.all());
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final String ALNUM = DIGITS + UPPER + LOWER;
    private static final String URL_SAFE = ALNUM + "_-";
    private static final String BASE64 = ALNUM + "+/";
    private static final String BASE32 = UPPER + "234567";
    private static final String HEX = "0123456789abcdef";

    // ---- builders: realistic shapes, seeded randomness -------------------------------------------------------

    private static String random(String alphabet, int length, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** GitHub's checksum, implemented independently of the detector's: CRC32 of the random part, base62, 6 chars. */
    static String gitHubChecksum(String random30) {
        CRC32 crc = new CRC32();
        crc.update(random30.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder();
        while (v > 0) {
            sb.insert(0, digits.charAt((int) (v % 62)));
            v /= 62;
        }
        while (sb.length() < 6) sb.insert(0, '0');
        return sb.toString();
    }

    static String gitHubToken(String prefix, long seed) {
        String random = random(ALNUM, 30, seed);
        return prefix + random + gitHubChecksum(random);
    }

    static String awsKeyId(String prefix, long seed) {
        return prefix + random(BASE32, 16, seed);
    }

    static String awsSecret(long seed) {
        return random(BASE64, 40, seed);
    }

    static String b64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String jwt(String headerJson, long seed) {
        return b64url(headerJson) + "." + b64url("{\"sub\":\"1234567890\",\"name\":\"Ada\",\"iat\":1516239022}") + "."
                + random(URL_SAFE, 43, seed);
    }

    static String pemBody(int lines, long seed) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) sb.append(random(BASE64, 64, seed + i)).append('\n');
        return sb + random(BASE64, 20, seed + lines) + "==\n";
    }

    static String pem(String label, long seed) {
        return "-----BEGIN " + label + "-----\n" + pemBody(5, seed) + "-----END " + label + "-----";
    }

    static List<Finding> scan(String text) {
        return SCANNER.scan(text);
    }

    static Finding finding(String type, String text, String secret) {
        int start = text.indexOf(secret);
        assertThat(start).as("secret placed in text").isNotNegative();
        return new Finding(type, Finding.Category.SECRET, start, start + secret.length());
    }

    // ---- every type, in every context ------------------------------------------------------------------------

    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("AWS_ACCESS_KEY", awsKeyId("AKIA", 1)),
                Arguments.of("AWS_ACCESS_KEY", awsKeyId("ASIA", 2)),
                Arguments.of("AWS_ACCESS_KEY", awsKeyId("ABIA", 3)),
                Arguments.of("AWS_ACCESS_KEY", awsKeyId("ACCA", 4)),
                Arguments.of("GITHUB_TOKEN", gitHubToken("ghp_", 5)),
                Arguments.of("GITHUB_TOKEN", gitHubToken("gho_", 6)),
                Arguments.of("GITHUB_TOKEN", gitHubToken("ghu_", 7)),
                Arguments.of("GITHUB_TOKEN", gitHubToken("ghs_", 8)),
                Arguments.of("GITHUB_TOKEN", gitHubToken("ghr_", 9)),
                Arguments.of("GITHUB_TOKEN", "github_pat_" + random(ALNUM, 22, 10) + "_" + random(ALNUM, 59, 11)),
                Arguments.of("GITLAB_TOKEN", "glpat-" + random(URL_SAFE, 20, 12)),
                Arguments.of("GITLAB_TOKEN", "glpat-" + random(URL_SAFE, 36, 13) + "." + random(DIGITS + LOWER, 9, 14)),
                Arguments.of("SLACK_TOKEN", "xoxb-" + random(DIGITS, 12, 15) + "-" + random(DIGITS, 13, 16) + "-" + random(ALNUM, 24, 17)),
                Arguments.of("SLACK_TOKEN", "xoxp-" + random(DIGITS, 12, 18) + "-" + random(DIGITS, 12, 19) + "-"
                        + random(DIGITS, 13, 20) + "-" + random(HEX, 32, 21)),
                Arguments.of("SLACK_TOKEN", "xapp-1-A" + random(UPPER + DIGITS, 10, 22) + "-" + random(DIGITS, 13, 23) + "-" + random(HEX, 64, 24)),
                Arguments.of("SLACK_TOKEN", "https://hooks.slack.com/services/T" + random(UPPER + DIGITS, 8, 25) + "/B"
                        + random(UPPER + DIGITS, 10, 26) + "/" + random(ALNUM, 24, 27)),
                Arguments.of("STRIPE_KEY", "sk_live_" + random(ALNUM, 24, 28)),
                Arguments.of("STRIPE_KEY", "sk_test_" + random(ALNUM, 99, 29)),
                Arguments.of("STRIPE_KEY", "rk_live_" + random(ALNUM, 40, 30)),
                Arguments.of("STRIPE_KEY", "rk_test_" + random(ALNUM, 40, 31)),
                Arguments.of("OPENAI_KEY", "sk-proj-" + random(URL_SAFE, 74, 32) + "T3BlbkFJ" + random(URL_SAFE, 74, 33)),
                Arguments.of("OPENAI_KEY", "sk-svcacct-" + random(URL_SAFE, 58, 34) + "T3BlbkFJ" + random(URL_SAFE, 58, 35)),
                Arguments.of("OPENAI_KEY", "sk-admin-" + random(URL_SAFE, 58, 36) + "T3BlbkFJ" + random(URL_SAFE, 58, 37)),
                Arguments.of("OPENAI_KEY", "sk-" + random(ALNUM, 20, 38) + "T3BlbkFJ" + random(ALNUM, 20, 39)),
                Arguments.of("ANTHROPIC_KEY", "sk-ant-api03-" + random(URL_SAFE, 93, 40) + "AA"),
                Arguments.of("ANTHROPIC_KEY", "sk-ant-admin01-" + random(URL_SAFE, 93, 41) + "AA"),
                Arguments.of("GOOGLE_API_KEY", "AIza" + random(URL_SAFE, 35, 42)),
                Arguments.of("GOOGLE_OAUTH_SECRET", "GOCSPX-" + random(URL_SAFE, 28, 200)),
                Arguments.of("HUGGINGFACE_TOKEN", "hf_" + random(UPPER + LOWER, 34, 201)),
                Arguments.of("HUGGINGFACE_TOKEN", "api_org_" + random(UPPER + LOWER, 34, 202)),
                Arguments.of("GROQ_KEY", "gsk_" + random(ALNUM, 52, 203)),
                Arguments.of("REPLICATE_TOKEN", "r8_" + random(ALNUM, 37, 204)),
                Arguments.of("XAI_KEY", "xai-" + random(ALNUM, 80, 205)),
                Arguments.of("PERPLEXITY_KEY", "pplx-" + random(ALNUM, 48, 206)),
                Arguments.of("LANGSMITH_KEY", "lsv2_pt_" + random(HEX, 32, 207) + "_" + random(HEX, 10, 208)),
                Arguments.of("LANGSMITH_KEY", "lsv2_sk_" + random(HEX, 32, 209) + "_" + random(HEX, 10, 210)),
                Arguments.of("DATABRICKS_TOKEN", "dapi" + random(HEX, 32, 211)),
                Arguments.of("DATABRICKS_TOKEN", "dapi" + random(HEX, 32, 212) + "-2"),
                Arguments.of("NPM_TOKEN", "npm_" + random(ALNUM, 36, 213)),
                Arguments.of("PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc" + random(URL_SAFE, 160, 214)),
                Arguments.of("DOCKER_HUB_TOKEN", "dckr_pat_" + random(URL_SAFE, 27, 215)),
                Arguments.of("SENDGRID_KEY", "SG." + random(URL_SAFE, 22, 216) + "." + random(URL_SAFE, 43, 217)),
                Arguments.of("DIGITALOCEAN_TOKEN", "dop_v1_" + random(HEX, 64, 218)),
                Arguments.of("VAULT_TOKEN", "hvs." + random(URL_SAFE, 95, 219)),
                Arguments.of("VAULT_TOKEN", "hvb." + random(URL_SAFE, 150, 220)),
                Arguments.of("SHOPIFY_TOKEN", "shpat_" + random(HEX, 32, 221)),
                Arguments.of("LINEAR_KEY", "lin_api_" + random(ALNUM, 40, 222)),
                Arguments.of("POSTMAN_KEY", "PMAK-" + random(HEX, 24, 223) + "-" + random(HEX, 34, 224)),
                Arguments.of("GRAFANA_TOKEN", "glsa_" + random(ALNUM, 32, 225) + "_" + random(HEX, 8, 226)),
                Arguments.of("NEW_RELIC_KEY", "NRAK-" + random(UPPER + DIGITS, 27, 227)),
                Arguments.of("JWT", jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 43)),
                Arguments.of("JWT", jwt("{\"typ\":\"JWT\", \"alg\" : \"RS256\", \"kid\": \"k1\" }", 44)),
                Arguments.of("PRIVATE_KEY", pem("PRIVATE KEY", 45)),
                Arguments.of("PRIVATE_KEY", pem("RSA PRIVATE KEY", 46)),
                Arguments.of("PRIVATE_KEY", pem("EC PRIVATE KEY", 47)),
                Arguments.of("PRIVATE_KEY", pem("DSA PRIVATE KEY", 48)),
                Arguments.of("PRIVATE_KEY", pem("OPENSSH PRIVATE KEY", 49)),
                Arguments.of("PRIVATE_KEY", pem("ENCRYPTED PRIVATE KEY", 50)),
                Arguments.of("PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
                        + random(HEX, 32, 51).toUpperCase() + "\n\n" + pemBody(4, 52) + "-----END RSA PRIVATE KEY-----"));
    }

    static final List<String> CONTEXTS = List.of(
            "%s",                                                    // the whole text
            "%s is what I used",                                     // at the start
            "here it is: %s",                                        // at the end
            "Please debug this, my credential is %s and it fails.", // in prose
            "{\"config\": {\"credential\": \"%s\", \"region\": \"eu-west-1\"}}", // in a JSON string
            "😀🔑 %s 🎉",                                              // after non-BMP characters
            "😀%s😀");                                                // glued to them

    static Stream<Arguments> tokensInContexts() {
        return tokens().flatMap(t -> CONTEXTS.stream().map(c -> Arguments.of(t.get()[0], t.get()[1], c)));
    }

    @ParameterizedTest(name = "[{index}] {0} in \"{2}\"")
    @MethodSource("tokensInContexts")
    void everyTypeIsFoundWithItsExactSpanInEveryContext(String type, String token, String context) {
        String text = context.replace("%s", token);
        assertThat(scan(text)).containsExactly(finding(type, text, token));
    }

    @Test
    void spansAreUtf16IndexesThatSpansConvertToCodePoints() {
        String token = gitHubToken("ghp_", 60);
        String text = "🔑🔑 " + token;
        assertThat(scan(text)).containsExactly(new Finding("GITHUB_TOKEN", Finding.Category.SECRET, 5, 5 + token.length()));
        assertThat(Spans.codePointOffset(text, 5)).isEqualTo(3);
    }

    @Test
    void everyDetectorDeclaresItsTypesAndTheUnionIsTheThirtyTwo() {
        assertThat(SCANNER.types()).containsExactlyInAnyOrder("AWS_ACCESS_KEY", "AWS_SECRET_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN",
                "SLACK_TOKEN", "STRIPE_KEY", "OPENAI_KEY", "ANTHROPIC_KEY", "GOOGLE_API_KEY", "JWT", "PRIVATE_KEY", "GENERIC_SECRET",
                "GOOGLE_OAUTH_SECRET", "HUGGINGFACE_TOKEN", "GROQ_KEY", "REPLICATE_TOKEN", "XAI_KEY", "PERPLEXITY_KEY", "LANGSMITH_KEY",
                "DATABRICKS_TOKEN", "NPM_TOKEN", "PYPI_TOKEN", "DOCKER_HUB_TOKEN", "SENDGRID_KEY", "DIGITALOCEAN_TOKEN", "VAULT_TOKEN",
                "SHOPIFY_TOKEN", "LINEAR_KEY", "POSTMAN_KEY", "GRAFANA_TOKEN", "NEW_RELIC_KEY", "URL_CREDENTIAL");
        for (Detector d : SecretDetectors.all()) {
            tokens().forEach(t -> {
                List<Finding> out = new ArrayList<>();
                d.scan((String) t.get()[1], out);
                assertThat(out).allSatisfy(f -> {
                    assertThat(d.types()).contains(f.type());
                    assertThat(f.category()).isEqualTo(Finding.Category.SECRET);
                });
            });
        }
    }

    // ---- GitHub checksum ------------------------------------------------------------------------------------

    @Test
    void gitHubChecksumMatchesAKnownAnswerComputedElsewhere() {
        // CRC32 and base62 of the 30 chars computed with Python's binascii, not with the code under test.
        String token = "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";
        assertThat(gitHubChecksum("BastionTestTokenNotARealOne012")).isEqualTo("3DQmnT");
        assertThat(scan(token)).containsExactly(finding("GITHUB_TOKEN", token, token));
    }

    @Test
    void gitHubTokensWithAWrongChecksumAreNotReported() {
        for (long seed = 100; seed < 150; seed++) {
            String good = gitHubToken("ghp_", seed);
            char last = good.charAt(good.length() - 1);
            String bad = good.substring(0, good.length() - 1) + (last == 'a' ? 'b' : 'a');
            assertThat(scan(good)).hasSize(1);
            assertThat(scan(bad)).as("bad checksum").isEmpty();
        }
    }

    // ---- AWS secret keys need context -----------------------------------------------------------------------

    static Stream<Arguments> awsSecretContexts() {
        String s = awsSecret(70);
        String id = awsKeyId("AKIA", 71);
        return Stream.of(
                Arguments.of("aws_secret_access_key = " + s, s, null),
                Arguments.of("AWS_SECRET_ACCESS_KEY=" + s + "\n", s, null),
                Arguments.of("{\"Credentials\": {\"SecretAccessKey\": \"" + s + "\", \"SessionToken\": \"…\"}}", s, null),
                Arguments.of("aws:\n  secret_access_key:\n    " + s, s, null),
                Arguments.of("Here is my secret access key: " + s + " thanks", s, null),
                Arguments.of("User name,Access key ID,Secret access key\nbastion," + id + "," + s + "\n", s, id),
                Arguments.of("export AWS_ACCESS_KEY_ID=" + id + " AWS_SECRET_ACCESS_KEY=" + s, s, id));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("awsSecretContexts")
    void awsSecretKeysAreFoundWhereTheContextNamesThem(String text, String secret, String keyId) {
        List<Finding> expected = new ArrayList<>();
        if (keyId != null) expected.add(finding("AWS_ACCESS_KEY", text, keyId));
        expected.add(finding("AWS_SECRET_KEY", text, secret));
        assertThat(scan(text)).containsExactlyElementsOf(expected);
    }

    // ---- JWT and PEM specifics ------------------------------------------------------------------------------

    @Test
    void jwtSpanStopsBeforeASentenceEndingDot() {
        String token = jwt("{\"alg\":\"ES256\"}", 80);
        String text = "Authorization: Bearer " + token + ".";
        assertThat(scan(text)).containsExactly(finding("JWT", text, token));
    }

    @Test
    void jwtWithPaddedSegmentsIsTolerated() {
        String header = Base64.getUrlEncoder().encodeToString("{\"alg\":\"ES256K\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(header).endsWith("=");
        String token = header + "." + b64url("{\"sub\":\"x\"}") + "." + random(URL_SAFE, 43, 81);
        assertThat(scan(token)).containsExactly(finding("JWT", token, token));
    }

    @Test
    void privateKeyWithoutEndSpansToTheEndOfItsBase64Body() {
        String begin = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
        String body = random(BASE64, 64, 90) + "\n" + random(BASE64, 30, 91);
        String text = "my key:\n" + begin + body + "\n\nwhat is wrong with it?";
        assertThat(scan(text)).containsExactly(finding("PRIVATE_KEY", text, begin + body));
    }

    @Test
    void privateKeyWithMismatchedEndSpansToTheEndOfItsBase64Body() {
        String block = "-----BEGIN RSA PRIVATE KEY-----\n" + random(BASE64, 64, 92);
        String text = block + "\n-----END PRIVATE KEY-----";
        assertThat(scan(text)).containsExactly(finding("PRIVATE_KEY", text, block));
    }

    @Test
    void privateKeyPastedOnOneLineWithSpacesForNewlines() {
        String key = "-----BEGIN PRIVATE KEY----- " + random(BASE64, 64, 98) + " " + random(BASE64, 40, 99) + "= -----END PRIVATE KEY-----";
        String text = "PRIVATE_KEY=\"" + key + "\"";
        assertThat(scan(text)).containsExactly(finding("PRIVATE_KEY", text, key));
    }

    @Test
    void aHexValueNamedLikeAnAwsSecretIsGenericNotAws() {
        String sha = random(HEX, 40, 207);
        String text = "aws_secret_access_key = " + sha;
        assertThat(scan(text)).containsExactly(finding("GENERIC_SECRET", text, sha));
    }

    @Test
    void privateKeyInsideAJsonStringWithEscapedNewlines() {
        String key = "-----BEGIN PRIVATE KEY-----\\n" + random(BASE64, 64, 93) + "\\n" + random(BASE64, 64, 94)
                + "=\\n-----END PRIVATE KEY-----";
        String text = "{\"type\": \"service_account\", \"private_key\": \"" + key + "\\n\", \"client_email\": \"a@b.iam\"}";
        assertThat(scan(text)).containsExactly(finding("PRIVATE_KEY", text, key));
    }

    // ---- generic assignments --------------------------------------------------------------------------------

    static Stream<Arguments> assignments() {
        return Stream.of(
                Arguments.of("password=Xk9#mQ2$vL7p", "Xk9#mQ2$vL7p"),
                Arguments.of("passwd: s3cr3t-P4ss!", "s3cr3t-P4ss!"),
                Arguments.of("api_key = \"a8f5f167f44f4964e6c998dee827110c\"", "a8f5f167f44f4964e6c998dee827110c"),
                Arguments.of("secret_key='Zq8wT3nV1bY6cR2m'", "Zq8wT3nV1bY6cR2m"),
                Arguments.of("access_token: 9fK2mXq7LpR4sT1v\nnext: line", "9fK2mXq7LpR4sT1v"),
                Arguments.of("CLIENT_SECRET=Qx7-Vb2_Nm9-Lk4", "Qx7-Vb2_Nm9-Lk4"),
                Arguments.of("{\"user\": \"bob\", \"password\": \"hunter22\"}", "hunter22"),
                Arguments.of("{\"Password\":\"Wq3eR5tY7uI9\",\"next\":1}", "Wq3eR5tY7uI9"),
                Arguments.of("{\"body\": \"{\\\"password\\\": \\\"Vb7nM2kQ9xLp\\\"}\"}", "Vb7nM2kQ9xLp"),
                Arguments.of("mysql --user=root --password=Kp8vN2xQ7w db", "Kp8vN2xQ7w"),
                Arguments.of("$db = ['password' => 'Lm4!xR8#tQ2z'];", "Lm4!xR8#tQ2z"),
                Arguments.of("apiToken := \"Gk3pL9vX2mQ8\"", "Gk3pL9vX2mQ8"),
                Arguments.of("spring.datasource.password=Rt5yU8iO2pA4", "Rt5yU8iO2pA4"),
                Arguments.of("database:\n  password: \"correcthorsebatterystaple\"\n", "correcthorsebatterystaple"),
                Arguments.of("GET /login?user=bob&password=Zx8cV6bN4m&next=/", "Zx8cV6bN4m"),
                Arguments.of("😀 my_api_secret=Pq9wE7rT5yU3 😀", "Pq9wE7rT5yU3"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("assignments")
    void assignmentsReportTheValueOnly(String text, String value) {
        assertThat(scan(text)).containsExactly(finding("GENERIC_SECRET", text, value));
    }

    @Test
    void aVendorTypeWinsOverTheGenericAssignmentOfTheSameSpan() {
        String key = "sk-proj-" + random(URL_SAFE, 74, 95) + "T3BlbkFJ" + random(URL_SAFE, 74, 96);
        String text = "OPENAI_API_KEY = \"" + key + "\"";
        assertThat(scan(text)).containsExactly(finding("OPENAI_KEY", text, key));
        String gh = gitHubToken("ghp_", 97);
        String json = "{\"password\": \"" + gh + "\"}";
        assertThat(scan(json)).containsExactly(finding("GITHUB_TOKEN", json, gh));
    }

    // ---- near misses -----------------------------------------------------------------------------------------

    static Stream<Arguments> nearMisses() {
        String good = gitHubToken("ghp_", 200);
        return Stream.of(
                Arguments.of("ghp_ with a wrong checksum", good.substring(0, 34) + (good.charAt(34) == '0' ? "1" : "0") + good.substring(35)),
                Arguments.of("ghp_ one char short", good.substring(0, good.length() - 1)),
                Arguments.of("ghp_ glued to a word", "x" + good),
                Arguments.of("github_pat_ too short", "github_pat_" + random(ALNUM, 22, 201) + "_" + random(ALNUM, 58, 202)),
                Arguments.of("Stripe publishable live key", "pk_live_" + random(ALNUM, 24, 203)),
                Arguments.of("Stripe publishable test key", "const stripe = Stripe('pk_test_" + random(ALNUM, 99, 204) + "');"),
                Arguments.of("Stripe secret key too short", "sk_live_" + random(ALNUM, 10, 205)),
                Arguments.of("a 40-char git SHA", "fixed in commit " + random(HEX, 40, 206)),
                Arguments.of("a git SHA near AWS words", "secret access key rotated in commit " + random(HEX, 40, 207)),
                Arguments.of("a 40-char base64 string with no context", "blob " + awsSecret(208) + " end"),
                Arguments.of("an AWS secret too far from its name", "aws_secret_access_key is documented in the AWS CLI guide, "
                        + "and an unrelated value comes much later on: " + awsSecret(209)),
                Arguments.of("a UUID", "request id 123e4567-e89b-12d3-a456-426614174000"),
                Arguments.of("AKIA with lower case", "AKIA" + random(BASE32, 15, 210) + "a"),
                Arguments.of("AKIA one char short", "AKIA" + random(BASE32, 15, 211)),
                Arguments.of("AKIA with a non-base32 digit", "AKIA" + random(BASE32, 15, 212) + "1"),
                Arguments.of("a public key PEM", "-----BEGIN PUBLIC KEY-----\n" + pemBody(3, 213) + "-----END PUBLIC KEY-----"),
                Arguments.of("a certificate PEM", "-----BEGIN CERTIFICATE-----\n" + pemBody(3, 214) + "-----END CERTIFICATE-----"),
                Arguments.of("an SSH public key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + random(BASE64, 43, 215) + " me@host"),
                Arguments.of("a BEGIN line with no body", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"),
                Arguments.of("password=changeme", "password=changeme"),
                Arguments.of("password=${DB_PASSWORD}", "password=${DB_PASSWORD}"),
                Arguments.of("password=$DB_PASSWORD", "password=$DB_PASSWORD"),
                Arguments.of("password=%DB_PASSWORD%", "set password=%DB_PASSWORD%"),
                Arguments.of("<your-key>", "api_key = \"<your-key>\""),
                Arguments.of("xxxxxxxx", "secret: xxxxxxxx"),
                Arguments.of("REPLACE_ME", "API_KEY=REPLACE_ME_WITH_REAL_KEY"),
                Arguments.of("masked", "\"password\": \"********\""),
                Arguments.of("null", "\"password\": null"),
                Arguments.of("none", "password: none"),
                Arguments.of("a template", "password: \"{{ vault_db_password }}\""),
                Arguments.of("process.env", "const apiKey = process.env.OPENAI_API_KEY;"),
                Arguments.of("a getter call", "password = getPassword();"),
                Arguments.of("os.environ", "password = os.environ[\"DB_PASSWORD\"]"),
                Arguments.of("os.getenv", "api_key = os.getenv(\"OPENAI_API_KEY\")"),
                Arguments.of("YOUR_API_KEY", "{\"api_key\": \"YOUR_API_KEY_HERE\"}"),
                Arguments.of("an ellipsis", "api_key=\"sk-...\""),
                Arguments.of("a field", "self.password = self.password_from_config"),
                Arguments.of("a comparison", "if password == \"Xk9#mQ2$vL7p\":"),
                Arguments.of("too short", "password=Xk9#mQ2"),
                Arguments.of("low entropy", "password=aaaabbbb"),
                Arguments.of("base64 of a short word", "password=dGVzdA=="),
                Arguments.of("base64 of a short word, alone", "the header was cGFzc3dvcmQ= yesterday"),
                Arguments.of("prose about passwords", "Choose a password: it must be at least 8 characters long."),
                Arguments.of("a JSON schema", "{\"password\": {\"type\": \"string\", \"minLength\": 12}}"),
                Arguments.of("the PWD variable", "PWD=/home/ada/projects/bastion"),
                Arguments.of("sk- with too few chars", "sk-abc123"),
                Arguments.of("sk-proj- with too few chars", "sk-proj-abcDEF123"),
                Arguments.of("a project name after sk-proj-", "sk-proj-the-big-migration-of-the-billing-service-to-kafka"),
                Arguments.of("sk- + 48 alnum without OpenAI's marker", "sk-" + random(ALNUM, 48, 216)),
                Arguments.of("sk-ant- too short", "sk-ant-api03-" + random(URL_SAFE, 20, 217)),
                Arguments.of("glpat- one char short", "glpat-" + random(URL_SAFE, 19, 218)),
                Arguments.of("AIza one char short", "AIza" + random(URL_SAFE, 34, 219)),
                Arguments.of("xoxb- words", "see the xoxb-token-format page"),
                Arguments.of("xoxb- all digits", "xoxb-123456789012-1234567890123-123456789012"),
                Arguments.of("a Slack URL that is no webhook", "https://hooks.slack.com/services/"),
                Arguments.of("JWT-like with a header that is not JSON", b64url("{\"alg\":\"HS256\"") + "." + b64url("{\"a\":1}") + "."
                        + random(URL_SAFE, 43, 220)),
                Arguments.of("JWT-like with no alg", b64url("{\"typ\":\"JWT\"}") + "." + b64url("{\"a\":1}") + "." + random(URL_SAFE, 43, 221)),
                Arguments.of("JWT-like with alg as a value", b64url("{\"x\":\"alg\"}") + "." + b64url("{\"a\":1}") + "." + random(URL_SAFE, 43, 222)),
                Arguments.of("JWT-like with two segments", b64url("{\"alg\":\"HS256\"}") + "." + b64url("{\"a\":1}")),
                Arguments.of("plain prose", "Bastion is a gateway; it keeps keys, tokens and passwords out of prompts."),
                Arguments.of("hf_ all lower case: a name", "from transformers import hf_" + "automodelforcausallmwithvaluehea"),
                Arguments.of("hf_ one letter short", "hf_" + random(UPPER + LOWER, 33, 230)),
                Arguments.of("hf_ with a digit", "hf_" + random(UPPER + LOWER, 33, 231) + "7"),
                Arguments.of("gsk_ too short", "gsk_" + random(ALNUM, 40, 232)),
                Arguments.of("npm_ words", "npm_config_registry_url_for_the_private_mirror_x"),
                Arguments.of("dapi not hex", "dapi" + random(ALNUM, 32, 233)),
                Arguments.of("SG. words", "SG.the_quick_brown_fox_.jumps_over_the_lazy_dog"),
                Arguments.of("PMAK- upper-case hex", "PMAK-" + random(HEX, 24, 234).toUpperCase() + "-" + random(HEX, 34, 235).toUpperCase()),
                Arguments.of("hvs. too short", "hvs." + random(URL_SAFE, 24, 236)),
                Arguments.of("a URL with a user name only", "git clone ssh://git@github.com/bastion/bastion.git"),
                Arguments.of("a URL without user info", "see https://docs.example.com:8443/path?q=a:b@c"),
                Arguments.of("user:password@", "DATABASE_URL=postgres://user:password@localhost:5432/app"),
                Arguments.of("username:pass@", "http://username:pass@proxy.example.com:3128"),
                Arguments.of("a documentation phrase", "postgresql://postgres:mysecretpassword@localhost:5432/postgres"),
                Arguments.of("a product default", "amqp://guest:guest@localhost:5672/"),
                Arguments.of("a template", "mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongo:27017"),
                Arguments.of("angle brackets", "redis://default:<password>@redis-12345.example.net:12345"),
                Arguments.of("a host:port before @, as SSRF payloads write it", "http://127.0.0.1:8080@169.254.169.254/latest"),
                Arguments.of("masked", "postgres://app:****@db/app"),
                Arguments.of("an e-mail address after a scheme-less host", "contact: admin:ops@example.com"));
    }

    static Stream<Arguments> urlCredentials() {
        String pw = "Xk9#mQ2-vL7p";
        return Stream.of(
                Arguments.of("postgres://app:" + pw + "@db.internal:5432/prod", pw),
                Arguments.of("DATABASE_URL=postgresql+psycopg2://app:" + pw + "@10.0.0.5/prod?sslmode=require", pw),
                Arguments.of("redis://:hunter2x@cache:6379/0", "hunter2x"),
                Arguments.of("mongodb+srv://svc:Tr0ub4dor%263@cluster0.ab12c.mongodb.net/test", "Tr0ub4dor%263"),
                Arguments.of("git clone https://ci-bot:f3a9c2e1d0b4@git.example.com/team/repo.git", "f3a9c2e1d0b4"),
                Arguments.of("amqp://svc:p@ss@w0rd1@mq.example.com/vhost", "p@ss@w0rd1"),          // a parser takes the last '@'
                Arguments.of("proxy = \"http://ada:S3cure!Pass@proxy.corp:3128\"", "S3cure!Pass"),
                Arguments.of("jdbc:mysql://root:r00tPw_2024@127.0.0.1:3306/shop", "r00tPw_2024"),
                Arguments.of("HTTPS://admin:Adm1n-Secret@[2001:db8::1]:8443/", "Adm1n-Secret"),
                Arguments.of("ftp://upload:0123456@files.example.org/in", "0123456"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("urlCredentials")
    void thePasswordInAUrlsUserInfoIsFoundAndOnlyThePassword(String text, String password) {
        assertThat(scan(text)).containsExactly(new Finding("URL_CREDENTIAL", Finding.Category.SECRET, text.lastIndexOf(password),
                text.lastIndexOf(password) + password.length()));
    }

    static Stream<Arguments> authorizationHeaders() {
        String opaque = "8f3kQ9zLm2XvT7pWc4Rb";
        String basic = Base64.getEncoder().encodeToString("svc-user:S3cr3t-Pa55".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("curl -H \"Authorization: Bearer " + opaque + "\" https://api.example.com/v1", opaque),
                Arguments.of("Authorization: Basic " + basic + "\r\nHost: api.example.com", basic),
                Arguments.of("{\"headers\": {\"Authorization\": \"Token " + opaque + "\"}}", opaque),
                Arguments.of("Proxy-Authorization: Basic " + basic, basic),
                Arguments.of("HTTP_AUTHORIZATION=Bearer " + opaque, opaque),
                Arguments.of("authorization:   bearer " + opaque + "==", opaque + "=="));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("authorizationHeaders")
    void theCredentialOfAnAuthorizationHeaderIsFound(String text, String credential) {
        assertThat(scan(text)).containsExactly(finding("GENERIC_SECRET", text, credential));
    }

    @Test
    void authorizationHeadersWithoutACredentialAreLeftAlone() {
        String userPassword = Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8));
        for (String text : List.of("Authorization: Bearer $TOKEN", "Authorization: Bearer <token>", "Authorization: Bearer YOUR_API_KEY",
                "Authorization: Basic " + userPassword, "The Authorization: Bearer header carries the token.",
                "Authorization: Bearer ${{ secrets.DEPLOY_TOKEN }}", "-H 'Authorization: Bearer '\"$OPENAI_API_KEY\"")) {
            assertThat(scan(text)).as(text).isEmpty();
        }
        String token = gitHubToken("ghp_", 241); // a vendor's token keeps its own type
        assertThat(scan("Authorization: token " + token)).containsExactly(finding("GITHUB_TOKEN", "Authorization: token " + token, token));
    }

    @Test
    void aVendorTokenInAUrlIsReportedAsTheVendorsToken() {
        String token = gitHubToken("ghp_", 240);
        String text = "git remote set-url origin https://x-access-token:" + token + "@github.com/o/r.git";
        assertThat(scan(text)).containsExactly(finding("GITHUB_TOKEN", text, token));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nearMisses")
    void nearMissesAreNotReported(String description, String text) {
        assertThat(scan(text)).isEmpty();
    }

    // ---- linear time ----------------------------------------------------------------------------------------

    private static final int MB = 1 << 20;

    private static String repeat(String s) {
        return s.repeat(MB / s.length() + 1);
    }

    static Stream<Arguments> adversarial() {
        return Stream.of(
                Arguments.of("sk- repeated", (Supplier<String>) () -> repeat("sk-")),
                Arguments.of("sk-proj- repeated", (Supplier<String>) () -> repeat("sk-proj-")),
                Arguments.of("sk-ant-api03- repeated", (Supplier<String>) () -> repeat("sk-ant-api03-")),
                Arguments.of("eyJ repeated", (Supplier<String>) () -> repeat("eyJ")),
                Arguments.of("eyJ. repeated", (Supplier<String>) () -> repeat("eyJ.")),
                Arguments.of("eyJhbGciOiJub25lIn0.eyJ. repeated", (Supplier<String>) () -> repeat("eyJhbGciOiJub25lIn0.eyJ.")),
                Arguments.of("password= repeated", (Supplier<String>) () -> repeat("password=")),
                Arguments.of("password=\" repeated", (Supplier<String>) () -> repeat("password=\"")),
                Arguments.of("password: and blanks repeated", (Supplier<String>) () -> repeat("password:                ")),
                Arguments.of("one long name", (Supplier<String>) () -> repeat("a") + "_password=Xk9#mQ2$vL7p"),
                Arguments.of("BEGIN repeated", (Supplier<String>) () -> repeat("-----BEGIN PRIVATE KEY-----\n")),
                Arguments.of("BEGIN repeated with a little body", (Supplier<String>) () -> repeat("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n")),
                Arguments.of("backslashes in a key body", (Supplier<String>) () -> "-----BEGIN PRIVATE KEY-----" + repeat("\\")),
                Arguments.of("secret_access_key repeated", (Supplier<String>) () -> repeat("secret_access_key ")),
                Arguments.of("AKIA repeated", (Supplier<String>) () -> repeat("AKIA")),
                Arguments.of("AKIA ids one line", (Supplier<String>) () -> repeat(awsKeyId("AKIA", 300) + " ")),
                Arguments.of("ghp_ repeated", (Supplier<String>) () -> repeat("ghp_")),
                Arguments.of("xoxb- digits repeated", (Supplier<String>) () -> repeat("xoxb-1234567890-")),
                Arguments.of("glpat- long run", (Supplier<String>) () -> "glpat-" + repeat("a")),
                Arguments.of("a megabyte of base64", (Supplier<String>) () -> random(BASE64, MB, 301)),
                Arguments.of("a megabyte of base64url", (Supplier<String>) () -> "eyJ" + random(URL_SAFE, MB, 302)),
                Arguments.of("emoji", (Supplier<String>) () -> repeat("😀")),
                Arguments.of("://user:pw@ repeated", (Supplier<String>) () -> repeat("a://b:c@d")),
                Arguments.of("one authority of colons and ats", (Supplier<String>) () -> "http://" + repeat(":@")),
                Arguments.of(":// repeated", (Supplier<String>) () -> repeat("://")),
                Arguments.of("hf_ repeated", (Supplier<String>) () -> repeat("hf_")),
                Arguments.of("SG. and PMAK- runs", (Supplier<String>) () -> repeat("SG.aaaaaaaaaaaaaaaaaaaaaa.PMAK-")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("adversarial")
    void adversarialMegabyteFinishesQuickly(String description, Supplier<String> input) {
        String text = input.get();
        assertThat(text.length()).isGreaterThanOrEqualTo(MB);
        // A safety net against quadratic behaviour, not a benchmark: linear scans take milliseconds.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> scan(text));
    }

    @Test
    void aBeginWithAMegabyteBodyAndNoEndIsOneFinding() {
        String text = "-----BEGIN PRIVATE KEY-----\n" + random(BASE64, MB, 303);
        List<Finding> found = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> scan(text));
        assertThat(found).containsExactly(new Finding("PRIVATE_KEY", Finding.Category.SECRET, 0, text.length()));
    }
}
