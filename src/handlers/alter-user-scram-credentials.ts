import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl.js';
import type { CredentialChange } from '../security/credentials.js';
import { allowedFor } from '../security/enforce.js';
import { credentialFromSaltedPassword, MAX_ITERATIONS, MIN_ITERATIONS, scramMechanism } from '../security/sasl/scram.js';
import { ErrorCode } from '../wire/error-codes.js';
import { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../wire/messages/alter-user-scram-credentials.js';
import { defineHandler } from './handler.js';

interface Result {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

/**
 * AlterUserScramCredentials 0 (KIP-554), as Kafka's ScramControlManager:
 * the client sends salt and salted password; only the derived StoredKey and
 * ServerKey are kept (persisted in the data dir). One result per user; a user
 * named twice in one request gets DUPLICATE_RESOURCE, an empty name or too few
 * (< 4096) / too many (> 16384) iterations UNACCEPTABLE_CREDENTIAL, mechanism 0
 * UNSUPPORTED_SASL_MECHANISM, deleting a credential that does not exist
 * RESOURCE_NOT_FOUND. Needs ALTER on the cluster.
 */
export const alterUserScramCredentials = defineHandler(AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse, { min: 0, max: 0 }, (req, ctx) => {
  const users = new Set([...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)]);
  if (!allowedFor(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) {
    return { throttleTimeMs: 0, results: [...users].map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' })) };
  }
  const store = ctx.broker.security.credentials;
  const errors = new Map<string, Result>();
  const changes = new Map<string, CredentialChange>();
  const fail = (user: string, errorCode: number, errorMessage: string): void => {
    changes.delete(user);
    errors.set(user, { user, errorCode, errorMessage });
  };
  const basic = (user: string, mechanism: number): string | null => {
    if (user === '') {
      fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      return null;
    }
    if (!scramMechanism(mechanism)) {
      fail(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
      return null;
    }
    return user;
  };
  for (const d of req.deletions) {
    if (errors.has(d.name)) continue;
    if (changes.has(d.name)) {
      fail(d.name, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
      continue;
    }
    if (basic(d.name, d.mechanism) === null) continue;
    const m = scramMechanism(d.mechanism)!;
    if (store.get(d.name, m) === null) {
      fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
      continue;
    }
    changes.set(d.name, { user: d.name, mechanism: m, credential: null });
  }
  for (const u of req.upsertions) {
    if (errors.has(u.name)) continue;
    if (changes.has(u.name)) {
      fail(u.name, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
      continue;
    }
    if (basic(u.name, u.mechanism) === null) continue;
    if (u.iterations < MIN_ITERATIONS) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
      continue;
    }
    if (u.iterations > MAX_ITERATIONS) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
      continue;
    }
    const m = scramMechanism(u.mechanism)!;
    if (u.saltedPassword.length !== m.keyLength || u.salt.length === 0) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Salted password must be ${m.keyLength} bytes for ${m.name}, and the salt not empty`);
      continue;
    }
    changes.set(u.name, { user: u.name, mechanism: m, credential: credentialFromSaltedPassword(m, u.saltedPassword, u.salt, u.iterations) });
  }
  store.apply([...changes.values()]);
  for (const c of changes.values()) ctx.log.info({ user: c.user, mechanism: c.mechanism.name, deleted: c.credential === null }, 'SCRAM credential altered');
  const results: Result[] = [...[...changes.keys()].map((user) => ({ user, errorCode: ErrorCode.NONE, errorMessage: null })), ...errors.values()];
  return { throttleTimeMs: 0, results };
});
