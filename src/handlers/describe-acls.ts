import { AclOperation, CLUSTER_NAME, invalidFilter, ResourceType, type AclBinding, type AclBindingFilter } from '../security/acl.js';
import { allowedFor } from '../security/enforce.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeAclsRequest, DescribeAclsResponse } from '../wire/messages/describe-acls.js';
import { defineHandler } from './handler.js';

/**
 * DescribeAcls 0-3: the ACLs matching a filter (ANY codes and null names,
 * principals and hosts match anything; pattern MATCH selects what applies to
 * a resource name: the literal name, `*` and matching prefixes), grouped by
 * resource pattern. Needs DESCRIBE on the cluster; SECURITY_DISABLED without
 * an authorizer.
 */
export const describeAcls = defineHandler(DescribeAclsRequest, DescribeAclsResponse, { min: 0, max: 3 }, (req, ctx) => {
  const security = ctx.broker.security;
  const error = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
  if (!security.authorizer) return error(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowedFor(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return error(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const filter: AclBindingFilter = {
    resourceType: req.resourceTypeFilter,
    resourceName: req.resourceNameFilter,
    patternType: req.patternTypeFilter,
    principal: req.principalFilter,
    host: req.hostFilter,
    operation: req.operation,
    permissionType: req.permissionType,
  };
  const invalid = invalidFilter(filter);
  if (invalid !== null) return error(ErrorCode.INVALID_REQUEST, invalid);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: groupByResource(security.acls.find(filter)) };
});

/** Bindings grouped by resource pattern, as DescribeAcls lists them. */
export function groupByResource(bindings: readonly AclBinding[]) {
  const byPattern = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
  for (const b of bindings) {
    const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
    let r = byPattern.get(key);
    if (!r) byPattern.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
  }
  return [...byPattern.values()];
}
