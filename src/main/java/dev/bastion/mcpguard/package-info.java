/**
 * Guardrails on MCP tool traffic (issue 20): a call's arguments through the route's guardrail policy (PII, secrets,
 * custom entities: refused or redacted), and its results through secrets, PII and the indirect-injection detector (a
 * result that fails is withheld and replaced by a JSON-RPC error). Both are {@link dev.bastion.mcp.McpPolicy}s: this
 * package joins the MCP seam to the detectors of {@code guard} and {@code detect}, and holds no control of its own.
 */
package dev.bastion.mcpguard;
