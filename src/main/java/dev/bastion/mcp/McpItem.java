package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool, prompt or resource as a policy sees it.
 *
 * @param kind       what it is
 * @param server     the server it belongs to; null for a resource of a route with several servers before its owner
 *                   is known
 * @param name       the server's own name for it (a resource's URI)
 * @param exposed    the name clients see ({@code server__tool} when namespaced)
 * @param definition its list entry (description, schemas, annotations) when it came from a list; null for a call
 */
public record McpItem(Kind kind, String server, String name, String exposed, JsonNode definition) {
    public enum Kind { TOOL, PROMPT, RESOURCE, RESOURCE_TEMPLATE }
}
