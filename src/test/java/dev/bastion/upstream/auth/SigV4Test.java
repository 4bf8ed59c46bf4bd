package dev.bastion.upstream.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signer against AWS's published Signature Version 4 test suite ("aws-sig-v4-test-suite", AWS General
 * Reference, 2015-08-30; its example credentials, region us-east-1, service "service"). A few of its vectors
 * are inlined below with their expected signatures, one per rule they exercise; the suite's file names are the
 * case names. Vectors that add an unsigned header after signing (post-sts-header-after) do not apply: this
 * signer signs every header it sends.
 */
class SigV4Test {
    static final SigV4.Credentials SUITE = new SigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    static final String SUITE_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/"
            + "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
            + "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    /** Headers as {@code Name:value|Name:value}, in order (repeats kept). */
    static MultiMap headers(String spec) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.add("Host", "example.amazonaws.com");
        if (!spec.isEmpty()) {
            for (String pair : spec.split("\\|")) {
                int colon = pair.indexOf(':');
                h.add(pair.substring(0, colon), pair.substring(colon + 1));
            }
        }
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '!', quoteCharacter = '`', textBlock = """
            get-vanilla                      ! GET  ! /                 !                                                     !               ! host;x-amz-date ! 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            get-header-key-duplicate         ! GET  ! /                 ! My-Header1:value2|My-Header1:value2|My-Header1:value1 !             ! host;my-header1;x-amz-date ! c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea
            get-header-value-trim            ! GET  ! /                 ! `My-Header1: value1|My-Header2: "a   b   c"`          !             ! host;my-header1;my-header2;x-amz-date ! acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736
            get-unreserved                   ! GET  ! /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz !  !   ! host;x-amz-date ! 07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f
            get-vanilla-query-order-key-case ! GET  ! /?Param2=value2&Param1=value1 !                                           !               ! host;x-amz-date ! b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500
            get-vanilla-query-order-value    ! GET  ! /?Param1=value2&Param1=value1 !                                           !               ! host;x-amz-date ! 5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694
            get-vanilla-utf8-query           ! GET  ! /?ሴ=bar           !                                                     !               ! host;x-amz-date ! 2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04
            get-space                        ! GET  ! /example space/   !                                                     !               ! host;x-amz-date ! 652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741
            get-slashes                      ! GET  ! //example//       !                                                     !               ! host;x-amz-date ! 9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84
            get-relative-relative            ! GET  ! /example1/example2/../.. !                                              !               ! host;x-amz-date ! 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            get-slash-pointless-dot          ! GET  ! /./example        !                                                     !               ! host;x-amz-date ! ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5
            post-vanilla                     ! POST ! /                 !                                                     !               ! host;x-amz-date ! 5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b
            post-header-value-case           ! POST ! /                 ! My-Header1:VALUE1                                   !               ! host;my-header1;x-amz-date ! cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d
            post-x-www-form-urlencoded       ! POST ! /                 ! Content-Type:application/x-www-form-urlencoded|Content-Length:13 ! Param1=value1 ! content-type;host;x-amz-date ! ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a
            """)
    void theSuitesVectorsSignAsPublished(String name, String method, String target, String headerSpec, String body, String signedHeaders,
                                         String signature) {
        MultiMap h = headers(headerSpec == null ? "" : headerSpec);
        SigV4.sign(h, method, target, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), SUITE, "us-east-1", "service", SUITE_TIME);
        assertThat(h.get("X-Amz-Date")).isEqualTo("20150830T123600Z");
        assertThat(h.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="
                + signedHeaders + ", Signature=" + signature);
    }

    @Test
    void postStsHeaderBeforeSignsTheSessionToken() {
        MultiMap h = headers("");
        SigV4.sign(h, "POST", "/", new byte[0], new SigV4.Credentials(SUITE.accessKeyId(), SUITE.secretAccessKey(), SUITE_TOKEN), "us-east-1", "service", SUITE_TIME);
        assertThat(h.get("X-Amz-Security-Token")).isEqualTo(SUITE_TOKEN);
        assertThat(h.get("Authorization")).endsWith("SignedHeaders=host;x-amz-date;x-amz-security-token, "
                + "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
    }

    @Test
    void getVanillaCanonicalRequestAndStringToSignAreTheSuites() {
        MultiMap h = headers("X-Amz-Date:20150830T123600Z");
        TreeMap<String, String> canonical = SigV4.canonicalHeaders(h, null);
        String creq = SigV4.canonicalRequest("GET", "/", null, canonical, "host;x-amz-date", SigV4.hex(SigV4.sha256(new byte[0])));
        assertThat(creq).isEqualTo("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq)).isEqualTo(
                "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    }

    @Test
    void aBedrockModelIdIsEncodedOnceOnTheWireAndTwiceInTheSignature() {
        // The wire path carries the model id encoded once (':' as %3A); the canonical URI encodes that again.
        assertThat(SigV4.canonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"))
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse");
    }

    // --- the receiver's check (the stand-in's)

    static final SigV4.Credentials KEY = new SigV4.Credentials("AKIATESTKEY0000000001", "s3cr3t-signing-key-value-0123456789abcdef", null);
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    static MultiMap signed(byte[] body) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Host", "bedrock-runtime.us-east-1.amazonaws.com").add("Content-Type", "application/json")
                .add("X-Forwarded-For", "203.0.113.9");
        SigV4.sign(h, "POST", "/model/m%3A0/converse", body, KEY, "us-east-1", "bedrock", NOW);
        return h;
    }

    @Test
    void aSignedRequestVerifies() {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(SigV4.verify("POST", "/model/m%3A0/converse", null, signed(body), body, KEY, "us-east-1", "bedrock", NOW.plusSeconds(30))).isNull();
    }

    @Test
    void whatWasSignedCannotChange() {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        MultiMap h = signed(body);
        assertThat(SigV4.verify("POST", "/model/m%3A0/converse", null, h, "{\"messages\":[1]}".getBytes(), KEY, "us-east-1", "bedrock", NOW).errorType())
                .isEqualTo("InvalidSignatureException");
        assertThat(SigV4.verify("POST", "/model/other/converse", null, h, body, KEY, "us-east-1", "bedrock", NOW).errorType()).isEqualTo("InvalidSignatureException");
        MultiMap forged = MultiMap.caseInsensitiveMultiMap().addAll(h).set("X-Forwarded-For", "10.0.0.1");
        assertThat(SigV4.verify("POST", "/model/m%3A0/converse", null, forged, body, KEY, "us-east-1", "bedrock", NOW).errorType()).isEqualTo("InvalidSignatureException");
        MultiMap extra = MultiMap.caseInsensitiveMultiMap().addAll(h).add("X-Amz-Target", "x");
        assertThat(SigV4.verify("POST", "/model/m%3A0/converse", null, extra, body, KEY, "us-east-1", "bedrock", NOW).message()).contains("x-amz-target");
        SigV4.Credentials otherSecret = new SigV4.Credentials(KEY.accessKeyId(), "another-secret", null);
        SigV4.Rejection wrong = SigV4.verify("POST", "/model/m%3A0/converse", null, h, body, otherSecret, "us-east-1", "bedrock", NOW);
        assertThat(wrong.message()).contains("does not match").doesNotContain("another-secret").doesNotContain(KEY.secretAccessKey());
    }

    @Test
    void scopeTimeAndKeyAreChecked() {
        byte[] body = new byte[0];
        MultiMap h = signed(body);
        String path = "/model/m%3A0/converse";
        assertThat(SigV4.verify("POST", path, null, h, body, KEY, "eu-west-1", "bedrock", NOW).message()).contains("region");
        assertThat(SigV4.verify("POST", path, null, h, body, KEY, "us-east-1", "s3", NOW).message()).contains("service");
        assertThat(SigV4.verify("POST", path, null, h, body, KEY, "us-east-1", "bedrock", NOW.plusSeconds(301)).message()).contains("expired");
        assertThat(SigV4.verify("POST", path, null, h, body, new SigV4.Credentials("AKIAOTHER", "x", null), "us-east-1", "bedrock", NOW).errorType())
                .isEqualTo("UnrecognizedClientException");
        assertThat(SigV4.verify("POST", path, null, MultiMap.caseInsensitiveMultiMap(), body, KEY, "us-east-1", "bedrock", NOW).errorType())
                .isEqualTo("MissingAuthenticationTokenException");
        SigV4.Credentials withToken = new SigV4.Credentials(KEY.accessKeyId(), KEY.secretAccessKey(), "session-token-1");
        assertThat(SigV4.verify("POST", path, null, h, body, withToken, "us-east-1", "bedrock", NOW).errorType()).isEqualTo("UnrecognizedClientException");
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(KEY.toString()).contains(KEY.accessKeyId()).doesNotContain(KEY.secretAccessKey());
        assertThat(new SigV4.Credentials("AKIA1", "sek", "tok").toString()).doesNotContain("sek").doesNotContain("tok");
    }
}
