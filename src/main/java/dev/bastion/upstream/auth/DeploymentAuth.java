package dev.bastion.upstream.auth;

import dev.bastion.config.ModelConfig;
import dev.bastion.upstream.RequestAuth;

/**
 * An upstream's credential for providers that authenticate per request (built once at start from the
 * upstream's config): it gives each deployment on that upstream its {@link RequestAuth}.
 */
@FunctionalInterface
public interface DeploymentAuth {
    RequestAuth forDeployment(ModelConfig.Deployment deployment);
}
