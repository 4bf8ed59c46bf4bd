package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where Bastion runs. {@code prod} turns on the checks that a development setup may skip (HSTS, CORS wildcards). */
public enum Environment {
    @JsonProperty("dev") DEV,
    @JsonProperty("prod") PROD
}
