package dev.bastion.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which credential each provider's deployment needs from its upstream, and what the upstream's URL says
 * about the deployment's region or location. A Bedrock deployment signs with the upstream's
 * {@code aws_credentials}; a Vertex one uses the upstream's {@code google_service_account_key}; those
 * credentials serve no other provider (they would not be sent).
 */
final class ProviderCredentials {
    private static final Pattern BEDROCK_HOST = Pattern.compile("bedrock-runtime(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com");
    private static final Pattern VERTEX_HOST = Pattern.compile("(?:([a-z0-9-]+)-)?aiplatform\\.googleapis\\.com");

    private ProviderCredentials() {}

    /** A problem ("field: why") with the deployment's use of the upstream, or null. */
    static String check(ModelConfig.Deployment d, String upstreamName, UpstreamConfig up) {
        String host = up.url().getHost() == null ? "" : up.url().getHost().toLowerCase(Locale.ROOT);
        switch (d.provider()) {
            case BEDROCK -> {
                if (up.awsCredentials() == null) return "upstream: '" + upstreamName + "' has no aws_credentials (a bedrock deployment signs its requests with them)";
                Matcher m = BEDROCK_HOST.matcher(host);
                // The signature's region must be the endpoint's: AWS refuses a request signed for another.
                if (m.matches() && !m.group(1).equals(d.region())) {
                    return "region: '" + d.region() + "' but upstream '" + upstreamName + "' is the endpoint of " + m.group(1);
                }
            }
            case VERTEX -> {
                if (up.googleServiceAccountKey() == null) {
                    return "upstream: '" + upstreamName + "' has no google_service_account_key (a vertex deployment authenticates with it)";
                }
                Matcher m = VERTEX_HOST.matcher(host);
                if (m.matches()) {
                    String endpoint = m.group(1) == null ? "global" : m.group(1);
                    if (!endpoint.equals(d.location())) return "location: '" + d.location() + "' but upstream '" + upstreamName + "' is the endpoint of " + endpoint;
                }
            }
            default -> {
                if (up.awsCredentials() != null) return "provider: upstream '" + upstreamName + "' has aws_credentials, which only bedrock deployments use";
                if (up.googleServiceAccountKey() != null) {
                    return "provider: upstream '" + upstreamName + "' has a google_service_account_key, which only vertex deployments use";
                }
            }
        }
        return null;
    }
}
