import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl.js';
import { allowedFor } from '../security/enforce.js';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from '../wire/messages/describe-user-scram-credentials.js';
import { defineHandler } from './handler.js';

/**
 * DescribeUserScramCredentials 0 (KIP-554): the SCRAM mechanisms and
 * iterations of every user (users null or empty) or of the named ones, never
 * salts or keys. A named user without credentials: RESOURCE_NOT_FOUND; a name
 * given twice: DUPLICATE_RESOURCE. Needs DESCRIBE on the cluster.
 */
export const describeUserScramCredentials = defineHandler(DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse, { min: 0, max: 0 }, (req, ctx) => {
  if (!allowedFor(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', results: [] };
  }
  const store = ctx.broker.security.credentials;
  const infos = (user: string) => [...store.credentialsOf(user)].map(([m, c]) => ({ mechanism: m.type, iterations: c.iterations }));
  if (req.users === null || req.users.length === 0) {
    const results = [...store.users().keys()].map((user) => ({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos(user) }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  }
  const names = req.users.map((u) => u.name);
  const results = [];
  const seen = new Set<string>();
  for (const user of names) {
    if (seen.has(user)) continue;
    seen.add(user);
    if (user === '') {
      results.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Cannot describe SCRAM credentials for empty username', credentialInfos: [] });
    } else if (names.indexOf(user) !== names.lastIndexOf(user)) {
      results.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] });
    } else {
      const credentialInfos = infos(user);
      if (credentialInfos.length === 0) results.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos });
      else results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos });
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
});
