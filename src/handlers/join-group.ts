import type { JoinResult } from '../coordinator/classic-group.js';
import { ErrorCode } from '../wire/error-codes.js';
import { JoinGroupRequest, JoinGroupResponse } from '../wire/messages/join-group.js';
import { clientHost } from './group-common.js';
import { defineHandler } from './handler.js';

/**
 * JoinGroup 0-9 (classic groups). The request may stay parked until the
 * rebalance completes; the group's queue is only held while the request is
 * being applied, not while it waits.
 */
export const joinGroup = defineHandler(JoinGroupRequest, JoinGroupResponse, { min: 0, max: 9 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  const groups = broker.groups;
  const respond = (r: JoinResult) => ({
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // Nullable from v7 only.
    protocolName: apiVersion >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leader,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members,
  });
  const fail = (errorCode: number, memberId: string) =>
    respond({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] });

  if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID, req.memberId);
  const { minSessionTimeoutMs, maxSessionTimeoutMs } = groups.config;
  if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) {
    return fail(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
  }
  const setupError = await groups.readyErrorCode(ctx.log);
  if (setupError !== ErrorCode.NONE) return fail(setupError, req.memberId);
  const parked = await groups.run(req.groupId, () => {
    const { group, errorCode } = groups.classicGroupForJoin(req.groupId, req.memberId === '');
    if (!group) return { result: Promise.resolve(null), errorCode };
    const result = group.join({
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx),
      sessionTimeoutMs: req.sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout serves as both.
      rebalanceTimeoutMs: apiVersion === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: apiVersion >= 4 && req.groupInstanceId === null,
      supportsSkippingAssignment: apiVersion >= 9,
      reason: req.reason,
    });
    return { result, errorCode };
  });
  const r = await parked.result;
  return r === null ? fail(parked.errorCode, parked.errorCode === ErrorCode.INCONSISTENT_GROUP_PROTOCOL ? '' : req.memberId) : respond(r);
});
