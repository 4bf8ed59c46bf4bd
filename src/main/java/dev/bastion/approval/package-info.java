/**
 * Human approval of MCP tool calls (issue 20): a call of a tool a route lists under {@code mcp.approval} is held — a
 * promise, never a blocked thread — until an operator approves or denies it on the admin API (or {@code bastion mcp
 * approvals …}), or its timeout passes. Requests and decisions are audited; the operator sees a summary of the
 * arguments (names, types and sizes), never their values.
 */
package dev.bastion.approval;
