package dev.bastion.contract;

/**
 * One operation's compiled contract: what its requests must hold to, and the schemas of its answers.
 *
 * @param operationId the OpenAPI {@code operationId}, for the access line; null for a route's own contract
 * @param responses   the answers' schemas by status, checked in detect mode when the route asks for it; or null
 */
record OperationContract(String operationId, RequestContract request, ResponseSchemas responses) {}
