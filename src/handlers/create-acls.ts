import { AclOperation, CLUSTER_NAME, invalidBinding, ResourceType, type AclBinding } from '../security/acl.js';
import { allowedFor } from '../security/enforce.js';
import { ErrorCode } from '../wire/error-codes.js';
import { CreateAclsRequest, CreateAclsResponse } from '../wire/messages/create-acls.js';
import { defineHandler } from './handler.js';

/**
 * CreateAcls 0-3: one result per creation, in order. Needs ALTER on the
 * cluster (CLUSTER_AUTHORIZATION_FAILED); without an authorizer
 * SECURITY_DISABLED, as Kafka. Invalid bindings (ANY/UNKNOWN codes, MATCH
 * patterns, empty names, a CLUSTER not named kafka-cluster, a principal
 * without a type) get INVALID_REQUEST; the valid ones are stored (persisted)
 * at once. v0 creates LITERAL patterns.
 */
export const createAcls = defineHandler(CreateAclsRequest, CreateAclsResponse, { min: 0, max: 3 }, (req, ctx) => {
  const security = ctx.broker.security;
  const refuse = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) });
  if (!security.authorizer) return refuse(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowedFor(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const valid: AclBinding[] = [];
  const results = req.creations.map((c) => {
    const binding: AclBinding = {
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: c.resourcePatternType,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    };
    const invalid = invalidBinding(binding);
    if (invalid !== null) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid };
    valid.push(binding);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  });
  security.acls.add(valid);
  if (valid.length > 0) ctx.log.info({ acls: valid.length }, 'ACLs created');
  return { throttleTimeMs: 0, results };
});
