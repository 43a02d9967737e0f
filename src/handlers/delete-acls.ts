import { AclOperation, CLUSTER_NAME, invalidFilter, ResourceType, type AclBindingFilter } from '../security/acl.js';
import { allowedFor } from '../security/enforce.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DeleteAclsRequest, DeleteAclsResponse } from '../wire/messages/delete-acls.js';
import { defineHandler } from './handler.js';

/**
 * DeleteAcls 0-3: per filter, the ACLs it matched and removed (persisted).
 * Needs ALTER on the cluster; SECURITY_DISABLED without an authorizer; a
 * filter with an UNKNOWN code gets INVALID_REQUEST.
 */
export const deleteAcls = defineHandler(DeleteAclsRequest, DeleteAclsResponse, { min: 0, max: 3 }, (req, ctx) => {
  const security = ctx.broker.security;
  const refuse = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
  if (!security.authorizer) return refuse(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowedFor(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const filters: (AclBindingFilter | string)[] = req.filters.map((f) => {
    const filter: AclBindingFilter = {
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    };
    return invalidFilter(filter) ?? filter;
  });
  const valid = filters.filter((f): f is AclBindingFilter => typeof f !== 'string');
  const removed = security.acls.remove(valid);
  let next = 0;
  const filterResults = filters.map((f) => {
    if (typeof f === 'string') return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: f, matchingAcls: [] };
    const matched = removed[next++]!;
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      matchingAcls: matched.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...b })),
    };
  });
  const count = removed.reduce((n, l) => n + l.length, 0);
  if (count > 0) ctx.log.info({ acls: count }, 'ACLs deleted');
  return { throttleTimeMs: 0, filterResults };
});
