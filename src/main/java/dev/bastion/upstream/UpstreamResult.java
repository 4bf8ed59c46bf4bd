package dev.bastion.upstream;

/** What an {@link Upstream} answered: its response (headers in, body to stream) or why there is none. */
public sealed interface UpstreamResult permits UpstreamResponse, UpstreamFailure {}
