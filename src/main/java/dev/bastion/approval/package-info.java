/**
 * Human approval of MCP tool calls (issue 20): a call of a tool a route lists under {@code mcp.approval} is held — a
 * promise, never a blocked thread — until an operator approves or denies it on the admin API (or {@code bastion mcp
 * approvals …}) of any node, or its timeout passes. The request is a row in the store, decided once across nodes; the
 * holding node hears of the decision by Redis message or by polling its rows. Requests and decisions are audited; the
 * operator sees a summary of the arguments (names, types and sizes), never their values.
 */
package dev.bastion.approval;
