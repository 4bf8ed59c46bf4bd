package dev.bastion.config;

import java.util.List;

/** @param issuers identity providers whose JWTs routes may accept ({@code auth.methods: [jwt]}) */
public record IdentityConfig(List<IssuerConfig> issuers) {
    public IdentityConfig {
        issuers = issuers == null ? List.of() : List.copyOf(issuers);
    }
}
