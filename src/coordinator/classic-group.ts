/**
 * A classic consumer group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), as
 * Kafka's ClassicGroup + the classic half of GroupMetadataManager run it:
 *
 *   Empty → PreparingRebalance → CompletingRebalance → Stable (→ Dead)
 *
 * - PreparingRebalance waits for every known member to (re)join, at most the
 *   largest rebalance timeout; dynamic members that did not rejoin are dropped.
 *   The first rebalance of an Empty group waits `initialRebalanceDelayMs`
 *   (extended while new members keep arriving, up to the rebalance timeout).
 * - CompletingRebalance: generation bumped, protocol selected by vote among the
 *   protocols every member supports, the leader receives all members' metadata
 *   and sends the assignment in its SyncGroup; members that do not sync within
 *   the rebalance timeout are removed.
 * - Session timeouts (heartbeat timers per member) remove members and trigger
 *   rebalances; new members awaiting their first join are expired after
 *   `newMemberJoinTimeoutMs`; pending members (MEMBER_ID_REQUIRED) after their
 *   session timeout.
 * - Static members (group.instance.id) rejoining with an unknown member id
 *   replace their old member id; in Stable with an unchanged protocol this
 *   happens without a rebalance (KIP-345, KIP-814 skipAssignment for the leader).
 *
 * Every method runs synchronously to completion; JoinGroup and SyncGroup return
 * promises that resolve when the rebalance step they wait for completes. The
 * coordinator serializes calls per group, so no two requests interleave.
 * Timers use setTimeout/Date.now (fake timers work in tests) and are cleared by
 * shutdown().
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode } from '../wire/error-codes.js';
import type { GroupLike } from './group.js';
import { subscriptionTopics, type GroupMetadata } from './offsets-topic.js';

export const ClassicState = {
  EMPTY: 'Empty',
  PREPARING_REBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  STABLE: 'Stable',
  DEAD: 'Dead',
} as const;
export type ClassicStateName = (typeof ClassicState)[keyof typeof ClassicState];

const VALID_PREVIOUS: Record<ClassicStateName, readonly ClassicStateName[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
const EMPTY_BYTES = Buffer.alloc(0);

export interface ClassicGroupConfig {
  /** `group.initial.rebalance.delay.ms`. */
  initialRebalanceDelayMs: number;
  /** `group.max.size`. */
  maxSize: number;
  /** How long a new member may wait for its first JoinGroup response (Kafka: 5 minutes). */
  newMemberJoinTimeoutMs: number;
}

export interface ClassicGroupHost {
  readonly config: ClassicGroupConfig;
  readonly log: Logger;
  /**
   * Persists the group (GroupMetadataValue) with the given assignment (default:
   * the members' current ones). Synchronous; throwing means the write failed.
   */
  persist(group: ClassicGroup, assignment?: ReadonlyMap<string, Buffer>): void;
}

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  /** '' for a member that does not have an id yet. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+ without a group instance id: answer MEMBER_ID_REQUIRED first. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+ (KIP-814). */
  supportsSkippingAssignment: boolean;
  reason?: string | null;
}

export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinMember[];
}

export interface SyncRequest {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface LeaveMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

type JoinCallback = (r: JoinResult) => void;
type SyncCallback = (r: SyncResult) => void;

export class ClassicMember {
  awaitingJoin: JoinCallback | null = null;
  awaitingSync: SyncCallback | null = null;
  isNew = false;
  assignment: Buffer = EMPTY_BYTES;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  metadata(protocolName: string | null): Buffer {
    if (protocolName === null) return EMPTY_BYTES;
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_BYTES;
  }

  /** Same protocols with the same metadata, in the same order. */
  matches(protocols: Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: Set<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }

  /** Whether an expiring session timer should leave this member alone (Kafka's hasSatisfiedHeartbeat). */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.awaitingJoin !== null || this.awaitingSync !== null;
  }
}

export class ClassicGroup implements GroupLike {
  readonly type = 'classic' as const;
  private state: ClassicStateName;
  private previousState: ClassicStateName = 'Dead';
  /** When the group entered its current state (ms since epoch); null when unknown (loaded from old records). */
  stateTimestampMs: number | null;
  private protocolTypeValue: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  private readonly members = new Map<string, ClassicMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  private subscribedTopics: Set<string> | null = null;
  private newMemberAdded = false;
  private readonly heartbeatTimers = new Map<string, NodeJS.Timeout>();
  private joinTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly groupId: string,
    private readonly host: ClassicGroupHost,
    loaded?: GroupMetadata,
  ) {
    if (!loaded) {
      this.state = 'Empty';
      this.stateTimestampMs = Date.now();
      this.protocolTypeValue = null;
      this.protocolName = null;
      this.generationId = 0;
      this.leaderId = null;
      return;
    }
    this.state = loaded.members.length > 0 ? 'Stable' : 'Empty';
    this.stateTimestampMs = loaded.currentStateTimestampMs === -1 ? null : loaded.currentStateTimestampMs;
    this.protocolTypeValue = loaded.protocolType === '' ? null : loaded.protocolType;
    this.protocolName = loaded.protocol;
    this.generationId = loaded.generation;
    this.leaderId = loaded.leader;
    for (const m of loaded.members) {
      const member = new ClassicMember(
        m.memberId,
        m.groupInstanceId,
        m.clientId,
        m.clientHost,
        m.rebalanceTimeoutMs,
        m.sessionTimeoutMs,
        loaded.protocolType,
        [{ name: loaded.protocol ?? '', metadata: m.subscription }],
      );
      member.assignment = m.assignment;
      this.members.set(m.memberId, member);
      if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId);
    }
    if (this.leaderId !== null && !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value ?? null;
    this.subscribedTopics = this.computeSubscribedTopics();
  }

  /** After a replay: session timers for the loaded members; rebalance when over capacity (Kafka's onLoaded). */
  onLoaded(): void {
    for (const m of this.members.values()) this.scheduleHeartbeat(m, m.sessionTimeoutMs);
    if (this.members.size > this.host.config.maxSize) {
      this.prepareRebalance(`freshly-loaded group (size ${this.members.size}) is over capacity ${this.host.config.maxSize}`);
    }
  }

  // ---- GroupLike -------------------------------------------------------------

  get stateName(): string {
    return this.state;
  }
  get currentState(): ClassicStateName {
    return this.state;
  }
  get protocolType(): string {
    return this.protocolTypeValue ?? '';
  }
  isEmpty(): boolean {
    return this.state === 'Empty';
  }
  get size(): number {
    return this.members.size;
  }
  /** A group created only to hold committed offsets (no protocol type, no members). */
  isSimpleGroup(): boolean {
    return this.protocolTypeValue === null && this.members.size === 0;
  }
  usesConsumerGroupProtocol(): boolean {
    return this.protocolTypeValue === CONSUMER_PROTOCOL_TYPE;
  }
  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }
  member(memberId: string): ClassicMember | undefined {
    return this.members.get(memberId);
  }
  allMembers(): IterableIterator<ClassicMember> {
    return this.members.values();
  }
  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }
  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  /** Kafka's ClassicGroup.validateOffsetCommit (non-transactional). */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Generation -1 and an empty group: the admin client or a consumer without group management.
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = this.validateMember(memberId, groupInstanceId);
      if (err !== ErrorCode.NONE) return err;
      if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    } else if (this.state !== 'Empty') {
      // No member id and no generation (v0 style): only accepted while the group is empty.
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    // Valid member of the current generation but the assignment is not out yet.
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** An accepted commit keeps the committing member's session alive (Stable / PreparingRebalance), as in Kafka. */
  onOffsetCommit(memberId: string): void {
    if (this.state !== 'Stable' && this.state !== 'PreparingRebalance') return;
    const m = this.members.get(memberId);
    if (m) this.scheduleHeartbeat(m, m.sessionTimeoutMs);
  }

  /** DeleteGroups: only an Empty group can go (Kafka's validateDeleteGroup). */
  validateDeleteGroup(): number {
    if (this.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    return this.state === 'Empty' ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP;
  }

  /** OffsetDelete: a non-empty group must use the consumer protocol (so per-topic subscription is known). */
  validateOffsetDelete(): number {
    if (this.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (this.state !== 'Empty' && !this.usesConsumerGroupProtocol()) return ErrorCode.NON_EMPTY_GROUP;
    return ErrorCode.NONE;
  }

  /**
   * Whether the group consumes `topic` (from the members' consumer-protocol
   * subscriptions). When unknown, a group using the consumer protocol is
   * considered subscribed, as Kafka does.
   */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics !== null ? this.subscribedTopics.has(topic) : this.usesConsumerGroupProtocol();
  }

  /**
   * Kafka's offsetExpirationCondition: the timestamp an offset's retention
   * counts from, or null when the group's offsets do not expire now. Empty
   * groups: since the group became empty (the commit time when unknown);
   * simple groups: the commit time; Stable consumer groups: the commit time,
   * for topics they no longer subscribe to (the caller checks subscription).
   */
  offsetRetentionBase(commitTimestampMs: number): number | null {
    if (this.protocolTypeValue !== null) {
      if (this.state === 'Empty') return this.stateTimestampMs ?? commitTimestampMs;
      if (this.usesConsumerGroupProtocol() && this.subscribedTopics !== null && this.state === 'Stable') return commitTimestampMs;
      return null;
    }
    return commitTimestampMs;
  }

  // ---- JoinGroup -------------------------------------------------------------

  join(req: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => this.handleJoin(req, resolve));
  }

  private handleJoin(req: JoinRequest, respond: JoinCallback): void {
    if (!this.acceptJoiningMember(req.memberId)) {
      this.remove(req.memberId);
      respond(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
      if (this.state === 'PreparingRebalance') this.maybeCompleteJoinPhase();
    } else if (req.memberId === '') {
      this.joinNewMember(req, respond);
    } else {
      this.joinExistingMember(req, respond);
    }
  }

  private acceptJoiningMember(memberId: string): boolean {
    const max = this.host.config.maxSize;
    switch (this.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        // Existing members already awaiting are accepted; new ones up to the max size, counting
        // awaiting members so the last rejoining members of an oversized group are kicked out.
        const m = this.members.get(memberId);
        return (m !== undefined && m.awaitingJoin !== null) || this.numAwaitingJoin() < max;
      }
      case 'CompletingRebalance':
      case 'Stable':
        return this.members.has(memberId) || this.members.size < max;
    }
  }

  private joinNewMember(req: JoinRequest, respond: JoinCallback): void {
    if (this.state === 'Dead') {
      respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, ''));
      return;
    }
    if (!this.supportsProtocols(req.protocolType, req.protocols)) {
      respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ''));
      return;
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const existing = this.staticMembers.get(req.groupInstanceId);
      if (existing !== undefined) {
        this.host.log.info(
          { group: this.groupId, groupInstanceId: req.groupInstanceId, state: this.state, oldMemberId: existing },
          'static member rejoins with an unknown member id; replacing its previous member id',
        );
        this.updateStaticMemberThenRebalanceOrCompleteJoin(req, existing, newMemberId, respond);
      } else {
        this.addMemberThenRebalanceOrCompleteJoin(req, newMemberId, respond);
      }
      return;
    }
    if (req.requireKnownMemberId) {
      // KIP-394: hand out the member id first; the member joins for real with it.
      this.pendingJoinMembers.add(newMemberId);
      this.scheduleTimer(newMemberId, req.sessionTimeoutMs);
      respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
      return;
    }
    this.addMemberThenRebalanceOrCompleteJoin(req, newMemberId, respond);
  }

  private joinExistingMember(req: JoinRequest, respond: JoinCallback): void {
    const memberId = req.memberId;
    if (this.state === 'Dead') {
      respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
      return;
    }
    if (!this.supportsProtocols(req.protocolType, req.protocols)) {
      respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
      return;
    }
    if (this.pendingJoinMembers.has(memberId)) {
      // A pending member is never static; Kafka treats the opposite as an illegal state.
      if (req.groupInstanceId !== null) {
        respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        return;
      }
      this.addMemberThenRebalanceOrCompleteJoin(req, memberId, respond);
      return;
    }
    const err = this.validateMember(memberId, req.groupInstanceId);
    if (err !== ErrorCode.NONE) {
      respond(joinError(err, memberId));
      return;
    }
    const member = this.members.get(memberId)!;
    const reason = req.reason ?? 'not provided';
    switch (this.state) {
      case 'PreparingRebalance':
        this.updateMemberThenRebalanceOrCompleteJoin(req, member, `member ${memberId} joining group during PreparingRebalance; client reason: ${reason}`, respond);
        return;
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // The member probably missed the JoinGroup response: give it the current generation again.
          respond(this.joinResponse(memberId, this.isLeader(memberId) ? this.currentMembers() : [], this.leaderId ?? '', false));
        } else {
          this.updateMemberThenRebalanceOrCompleteJoin(req, member, `updating metadata for member ${memberId} during CompletingRebalance; client reason: ${reason}`, respond);
        }
        return;
      case 'Stable':
        if (this.isLeader(memberId)) {
          // A leader's JoinGroup forces a rebalance (e.g. its client saw topic metadata change).
          this.updateMemberThenRebalanceOrCompleteJoin(req, member, `leader ${memberId} re-joining group during Stable; client reason: ${reason}`, respond);
        } else if (!member.matches(req.protocols)) {
          this.updateMemberThenRebalanceOrCompleteJoin(req, member, `updating metadata for member ${memberId} during Stable; client reason: ${reason}`, respond);
        } else {
          // A follower without changes: the current generation, so it can SyncGroup.
          respond(this.joinResponse(memberId, [], this.leaderId ?? '', false));
        }
        return;
      default:
        this.host.log.warn({ group: this.groupId, memberId, state: this.state }, 'rejoining member in an unexpected group state');
        respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private addMemberThenRebalanceOrCompleteJoin(req: JoinRequest, memberId: string, respond: JoinCallback): void {
    const member = new ClassicMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    // A new member during the initial rebalance extends its delay.
    if (this.state === 'PreparingRebalance' && this.previousState === 'Empty') this.newMemberAdded = true;
    this.add(member, respond);
    // New members cannot heartbeat while their JoinGroup is parked; expire them if it never completes.
    this.scheduleHeartbeat(member, this.host.config.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(`adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason ?? 'not provided'}`);
  }

  private updateMemberThenRebalanceOrCompleteJoin(req: JoinRequest, member: ClassicMember, reason: string, respond: JoinCallback): void {
    this.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    this.maybePrepareRebalanceOrCompleteJoin(reason);
  }

  private updateStaticMemberThenRebalanceOrCompleteJoin(req: JoinRequest, oldMemberId: string, newMemberId: string, respond: JoinCallback): void {
    const instanceId = req.groupInstanceId!;
    const currentLeader = this.leaderId ?? '';
    const member = this.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.scheduleHeartbeat(member, member.sessionTimeoutMs);
    const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
    this.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);

    if (this.state === 'Stable') {
      if (this.protocolName === this.selectProtocol()) {
        // Same protocol next generation: no rebalance, persist the new member id and answer at once.
        this.host.log.info({ group: this.groupId, groupInstanceId: instanceId, memberId: newMemberId }, 'static member rejoined without a rebalance');
        try {
          this.host.persist(this);
        } catch (err) {
          this.host.log.warn({ err, group: this.groupId }, 'failed to persist static member; reverting to the old member id');
          this.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
          const reverted = this.replaceStaticMember(instanceId, newMemberId, oldMemberId);
          this.scheduleHeartbeat(reverted, reverted.sessionTimeoutMs);
          respond({ ...this.joinResponse('', [], currentLeader, false), errorCode: ErrorCode.UNKNOWN_SERVER_ERROR });
          return;
        }
        if (req.supportsSkippingAssignment) {
          const isLeader = this.isLeader(newMemberId);
          this.completeJoin(member, this.joinResponse(newMemberId, isLeader ? this.currentMembers() : [], this.leaderId ?? '', isLeader));
        } else {
          // Older clients: report the old leader id so a rejoining static leader does not reassign.
          this.completeJoin(member, this.joinResponse(newMemberId, [], currentLeader, false));
        }
      } else {
        this.maybePrepareRebalanceOrCompleteJoin(`group's selected protocol will change because static member ${newMemberId} with instance id ${instanceId} joined with a change of protocol`);
      }
      return;
    }
    if (this.state === 'CompletingRebalance') {
      // The leader may already hold the old member id for its assignment: rebalance again.
      this.prepareRebalance(`updating metadata for static member ${newMemberId} with instance id ${instanceId}`);
      return;
    }
    this.maybeCompleteJoinPhase();
  }

  // ---- SyncGroup -------------------------------------------------------------

  sync(req: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.handleSync(req, resolve));
  }

  private handleSync(req: SyncRequest, respond: SyncCallback): void {
    const err = this.validateSync(req);
    if (err !== ErrorCode.NONE) {
      respond(syncError(err));
      return;
    }
    const memberId = req.memberId;
    const member = this.members.get(memberId)!;
    switch (this.state) {
      case 'PreparingRebalance':
        respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        return;
      case 'CompletingRebalance': {
        // A duplicate SyncGroup supersedes the earlier one (whose client gave up on it).
        member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = respond;
        this.removePendingSyncMember(memberId);
        if (!this.isLeader(memberId)) return;
        this.host.log.info({ group: this.groupId, leader: memberId, generation: this.generationId, members: this.members.size }, 'assignment received from the leader');
        const assignment = new Map<string, Buffer>();
        for (const a of req.assignments) assignment.set(a.memberId, a.assignment);
        for (const id of this.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY_BYTES);
        try {
          this.host.persist(this, assignment);
        } catch (e) {
          this.host.log.warn({ err: e, group: this.groupId }, 'failed to store the group assignment');
          this.resetAndPropagateAssignmentWithError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
          this.maybePrepareRebalanceOrCompleteJoin(`error storing the group assignment during SyncGroup (member ${memberId})`);
          return;
        }
        for (const m of this.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BYTES;
        this.propagateAssignment(ErrorCode.NONE);
        this.transitionTo('Stable');
        return;
      }
      case 'Stable':
        this.removePendingSyncMember(memberId);
        respond({ errorCode: ErrorCode.NONE, protocolType: this.protocolTypeValue, protocolName: this.protocolName, assignment: member.assignment });
        return;
      default:
        respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private validateSync(req: SyncRequest): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const err = this.validateMember(req.memberId, req.groupInstanceId);
    if (err !== ErrorCode.NONE) return err;
    if (req.generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (inconsistent(req.protocolType, this.protocolTypeValue) || inconsistent(req.protocolName, this.protocolName)) {
      return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    }
    return ErrorCode.NONE;
  }

  // ---- Heartbeat -------------------------------------------------------------

  heartbeat(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const err = this.validateMember(memberId, groupInstanceId);
    if (err !== ErrorCode.NONE) return err;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = this.members.get(memberId)!;
    switch (this.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.scheduleHeartbeat(member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        // CompletingRebalance: members may heartbeat once they have their JoinGroup response.
        this.scheduleHeartbeat(member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
    }
  }

  // ---- LeaveGroup ------------------------------------------------------------

  leave(members: LeaveMember[]): LeaveResult {
    if (this.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results: LeaveResult['members'] = [];
    let left = 0;
    for (const m of members) {
      const reason = m.reason ?? 'not provided';
      let errorCode: number = ErrorCode.NONE;
      if (m.memberId === '') {
        // Administrative removal by group instance id.
        const id = m.groupInstanceId !== null ? this.staticMembers.get(m.groupInstanceId) : undefined;
        if (id !== undefined) this.removeCurrentMember(id, reason);
        else errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      } else if (this.pendingJoinMembers.has(m.memberId)) {
        this.pendingJoinMembers.delete(m.memberId);
        this.cancelTimer(m.memberId);
        this.host.log.info({ group: this.groupId, memberId: m.memberId, reason }, 'pending member left the group');
      } else {
        errorCode = this.validateMember(m.memberId, m.groupInstanceId);
        if (errorCode === ErrorCode.NONE) this.removeCurrentMember(m.memberId, reason);
      }
      if (errorCode === ErrorCode.NONE) left++;
      results.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    }
    if (left > 0) {
      if (this.state === 'Stable' || this.state === 'CompletingRebalance') {
        this.maybePrepareRebalanceOrCompleteJoin(`explicit LeaveGroup request for ${left} member(s)`);
      } else if (this.state === 'PreparingRebalance') {
        this.maybeCompleteJoinPhase();
      }
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private removeCurrentMember(memberId: string, reason: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.host.log.info({ group: this.groupId, memberId, reason }, 'member left the group through LeaveGroup');
    this.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    this.remove(memberId);
  }

  // ---- DescribeGroups --------------------------------------------------------

  describe(): { state: string; protocolType: string; protocolData: string; members: DescribedMember[] } {
    const stable = this.state === 'Stable';
    const members = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: stable ? m.metadata(this.protocolName) : EMPTY_BYTES,
      assignment: stable ? m.assignment : EMPTY_BYTES,
    }));
    return { state: this.state, protocolType: this.protocolType, protocolData: stable ? (this.protocolName ?? '') : '', members };
  }

  // ---- Persistence -----------------------------------------------------------

  /** The GroupMetadataValue Kafka writes for this group. */
  toMetadata(assignment?: ReadonlyMap<string, Buffer>): GroupMetadata {
    return {
      protocolType: this.protocolType,
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestampMs: this.stateTimestampMs ?? -1,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: m.metadata(this.protocolName),
        assignment: assignment?.get(m.memberId) ?? m.assignment,
      })),
    };
  }

  // ---- Lifecycle -------------------------------------------------------------

  /**
   * Unloads the group (broker shutdown, deletion): Dead, timers cleared, parked
   * JoinGroup/SyncGroup requests answered with `errorCode` (Kafka: NOT_COORDINATOR).
   */
  unload(errorCode: number = ErrorCode.NOT_COORDINATOR): void {
    this.clearTimers();
    if (this.state === 'Dead') return;
    this.transitionTo('Dead');
    for (const m of this.members.values()) {
      this.completeJoin(m, joinError(errorCode, m.memberId));
      this.completeSync(m, syncError(errorCode));
    }
  }

  shutdown(): void {
    this.unload();
  }

  // ---- Rebalance machinery -----------------------------------------------------

  private maybePrepareRebalanceOrCompleteJoin(reason: string): void {
    if (VALID_PREVIOUS.PreparingRebalance.includes(this.state)) this.prepareRebalance(reason);
    else this.maybeCompleteJoinPhase();
  }

  /** Completes the join phase when everyone has joined, except during the initial (delayed) rebalance. */
  private maybeCompleteJoinPhase(): void {
    if (this.state !== 'PreparingRebalance') return;
    if (this.previousState === 'Empty') return;
    if (!this.hasAllMembersJoined()) return;
    this.completeJoinPhase();
  }

  prepareRebalance(reason: string): void {
    if (this.state === 'CompletingRebalance') this.resetAndPropagateAssignmentWithError(ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration();
    const initial = this.state === 'Empty';
    if (initial) {
      const delayMs = this.host.config.initialRebalanceDelayMs;
      const remainingMs = Math.max(this.rebalanceTimeoutMs() - delayMs, 0);
      this.setJoinTimer(delayMs, () => this.tryCompleteInitialRebalance(delayMs, remainingMs));
    }
    this.transitionTo('PreparingRebalance');
    this.host.log.info({ group: this.groupId, generation: this.generationId, reason }, 'preparing to rebalance group');
    if (!initial) {
      if (this.hasAllMembersJoined()) this.completeJoinPhase();
      else this.setJoinTimer(this.rebalanceTimeoutMs(), () => this.completeJoinPhase());
    }
  }

  private tryCompleteInitialRebalance(delayMs: number, remainingMs: number): void {
    if (this.newMemberAdded && remainingMs !== 0) {
      this.newMemberAdded = false;
      const newDelayMs = Math.min(this.host.config.initialRebalanceDelayMs, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.setJoinTimer(newDelayMs, () => this.tryCompleteInitialRebalance(newDelayMs, newRemainingMs));
    } else {
      this.completeJoinPhase();
    }
  }

  /**
   * Ends PreparingRebalance: drops dynamic members that did not rejoin, bumps
   * the generation, and answers every parked JoinGroup (the leader gets the
   * members' metadata), or goes Empty when nobody is left.
   */
  private completeJoinPhase(): void {
    this.clearJoinTimer();
    if (this.state !== 'PreparingRebalance') return;
    const notRejoined = [...this.members.values()].filter((m) => m.awaitingJoin === null && !m.isStatic);
    for (const m of notRejoined) this.remove(m.memberId);
    if (notRejoined.length > 0) {
      this.host.log.info({ group: this.groupId, members: notRejoined.map((m) => m.memberId) }, 'removed dynamic members that did not rejoin');
    }
    if (!this.maybeElectNewJoinedLeader() && this.members.size > 0) {
      // Only static members that have not rejoined yet: wait another rebalance timeout (or their session timeouts).
      this.host.log.warn({ group: this.groupId }, 'could not complete rebalance because no members rejoined');
      this.setJoinTimer(this.rebalanceTimeoutMs(), () => this.completeJoinPhase());
      return;
    }
    this.initNextGeneration();
    if ((this.state as ClassicStateName) === 'Empty') {
      this.host.log.info({ group: this.groupId, generation: this.generationId }, 'group is now empty');
      this.tryPersist();
      return;
    }
    this.host.log.info({ group: this.groupId, generation: this.generationId, members: this.members.size, protocol: this.protocolName }, 'stabilized group');
    const all = this.currentMembers();
    for (const m of this.members.values()) {
      const leader = this.isLeader(m.memberId);
      this.completeJoin(m, this.joinResponse(m.memberId, leader ? all : [], this.leaderId ?? '', false));
      this.scheduleHeartbeat(m, m.sessionTimeoutMs);
      m.isNew = false;
      this.pendingSyncMembers.add(m.memberId);
    }
    const generation = this.generationId;
    this.syncTimer = this.timer(this.rebalanceTimeoutMs(), () => this.expirePendingSync(generation));
  }

  private expirePendingSync(generation: number): void {
    this.syncTimer = null;
    if (generation !== this.generationId) return;
    if (this.state !== 'CompletingRebalance' && this.state !== 'Stable') return;
    if (this.pendingSyncMembers.size === 0) return;
    const pending = [...this.pendingSyncMembers];
    for (const id of pending) {
      const m = this.members.get(id);
      if (m) this.completeJoin(m, joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
      this.remove(id);
    }
    this.host.log.info({ group: this.groupId, members: pending }, 'removed members that did not send SyncGroup in time');
    this.prepareRebalance(`removing ${pending.join(', ')} on pending sync request expiration`);
  }

  private initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty');
    }
    this.pendingSyncMembers.clear();
  }

  private resetAndPropagateAssignmentWithError(errorCode: number): void {
    for (const m of this.members.values()) m.assignment = EMPTY_BYTES;
    this.propagateAssignment(errorCode);
  }

  private propagateAssignment(errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of this.members.values()) {
      const answered = this.completeSync(m, {
        errorCode,
        protocolType: ok ? this.protocolTypeValue : null,
        protocolName: ok ? this.protocolName : null,
        assignment: m.assignment,
      });
      // Sessions restart once a member has its assignment (its timer may have fired while it waited).
      if (answered) this.scheduleHeartbeat(m, m.sessionTimeoutMs);
    }
  }

  private removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
    if (this.pendingSyncMembers.size === 0 || this.state === 'PreparingRebalance' || this.state === 'Empty' || this.state === 'Dead') {
      this.clearSyncTimer();
    }
  }

  private removeSyncExpiration(): void {
    this.pendingSyncMembers.clear();
    this.clearSyncTimer();
  }

  // ---- Membership ------------------------------------------------------------

  /** Static members must present their current member id (FENCED_INSTANCE_ID otherwise). */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) {
        this.host.log.info({ group: this.groupId, memberId, groupInstanceId, existing }, 'static member fenced by a newer member id');
        return ErrorCode.FENCED_INSTANCE_ID;
      }
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private add(member: ClassicMember, respond: JoinCallback | null): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.members.size === 0) this.protocolTypeValue = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    member.awaitingJoin = respond;
    this.pendingJoinMembers.delete(member.memberId);
  }

  private remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId);
      }
      // Nothing else will answer a parked SyncGroup of a removed member.
      this.completeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
    this.cancelTimer(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  private updateMember(member: ClassicMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, respond: JoinCallback | null): void {
    member.protocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    // A second JoinGroup supersedes a parked one (its client gave up on it); do not leave it hanging.
    if (respond !== null && member.awaitingJoin !== null) member.awaitingJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = respond;
  }

  /** Moves a static member to a new member id; parked requests of the old id are fenced. */
  private replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.members.get(oldMemberId)!;
    this.members.delete(oldMemberId);
    this.cancelTimer(oldMemberId);
    if (old.awaitingJoin) {
      const cb = old.awaitingJoin;
      old.awaitingJoin = null;
      cb({ ...joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId), leader: '' });
    }
    this.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
    const replacement = new ClassicMember(
      newMemberId,
      old.groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
    );
    replacement.assignment = old.assignment;
    this.members.set(newMemberId, replacement);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replacement;
  }

  private maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader && leader.awaitingJoin !== null) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin !== null) {
        this.host.log.info({ group: this.groupId, oldLeader: this.leaderId, newLeader: m.memberId }, 'group leader did not rejoin in time; elected a new one');
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  private hasAllMembersJoined(): boolean {
    return this.numAwaitingJoin() === this.members.size && this.pendingJoinMembers.size === 0;
  }

  private numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.awaitingJoin !== null) n++;
    return n;
  }

  private isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** The group's rebalance timeout: the largest of its members'. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0;
    if (this.protocolTypeValue !== protocolType) return false;
    return protocols.some((p) => this.supportCount(p.name) === this.members.size);
  }

  private supportCount(name: string): number {
    let n = 0;
    for (const m of this.members.values()) if (m.protocols.some((p) => p.name === name)) n++;
    return n;
  }

  /** Every member votes for its preferred protocol among those all members support; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const m of this.members.values()) for (const p of m.protocols) if (this.supportCount(p.name) === this.members.size) candidates.add(p.name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      if (v !== undefined) votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    if (best === null) throw new Error(`no common protocol in group ${this.groupId}`);
    return best;
  }

  private computeSubscribedTopics(): Set<string> | null {
    if (this.protocolTypeValue !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const t = subscriptionTopics(m.metadata(this.protocolName));
      if (t === null) {
        this.host.log.warn({ group: this.groupId, protocol: this.protocolName }, 'cannot parse consumer protocol subscription; subscribed topics unknown');
        return null;
      }
      for (const name of t) topics.add(name);
    }
    return topics;
  }

  private currentMembers(): JoinMember[] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName) }));
  }

  private joinResponse(memberId: string, members: JoinMember[], leader: string, skipAssignment: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolTypeValue,
      protocolName: this.protocolName,
      leader,
      skipAssignment,
      memberId,
      members,
    };
  }

  private completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const cb = member.awaitingJoin;
    if (!cb) return false;
    member.awaitingJoin = null;
    cb(result);
    return true;
  }

  private completeSync(member: ClassicMember, result: SyncResult): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = null;
    cb(result);
    return true;
  }

  private transitionTo(next: ClassicStateName): void {
    if (!VALID_PREVIOUS[next].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} → ${next}`);
    }
    this.previousState = this.state;
    this.state = next;
    this.stateTimestampMs = Date.now();
  }

  private tryPersist(): void {
    try {
      this.host.persist(this);
    } catch (err) {
      this.host.log.warn({ err, group: this.groupId }, 'failed to persist group metadata');
    }
  }

  // ---- Timers ----------------------------------------------------------------

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      try {
        fn();
      } catch (err) {
        this.host.log.error({ err, group: this.groupId }, 'group timer failed');
      }
    }, ms);
    t.unref?.();
    return t;
  }

  /** Session timer of a member (or a pending member): expiry may remove it. */
  private scheduleHeartbeat(member: ClassicMember, timeoutMs: number): void {
    this.scheduleTimer(member.memberId, timeoutMs);
  }

  private scheduleTimer(memberId: string, timeoutMs: number): void {
    this.cancelTimer(memberId);
    this.heartbeatTimers.set(
      memberId,
      this.timer(timeoutMs, () => {
        this.heartbeatTimers.delete(memberId);
        this.expireHeartbeat(memberId);
      }),
    );
  }

  private cancelTimer(memberId: string): void {
    const t = this.heartbeatTimers.get(memberId);
    if (t) clearTimeout(t);
    this.heartbeatTimers.delete(memberId);
  }

  private expireHeartbeat(memberId: string): void {
    if (this.state === 'Dead') return;
    if (this.pendingJoinMembers.has(memberId)) {
      this.host.log.info({ group: this.groupId, memberId }, 'pending member removed after session timeout');
      this.pendingJoinMembers.delete(memberId);
      if (this.state === 'PreparingRebalance' && this.hasAllMembersJoined()) this.completeJoinPhase();
      return;
    }
    const member = this.members.get(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.host.log.info({ group: this.groupId, memberId }, 'member session expired; removing it from the group');
    this.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    this.remove(memberId);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') {
      this.maybePrepareRebalanceOrCompleteJoin(`removing member ${memberId} on heartbeat expiration`);
    } else if (this.state === 'PreparingRebalance' && this.hasAllMembersJoined()) {
      this.completeJoinPhase();
    }
  }

  private setJoinTimer(ms: number, fn: () => void): void {
    this.clearJoinTimer();
    this.joinTimer = this.timer(ms, () => {
      this.joinTimer = null;
      fn();
    });
  }

  private clearJoinTimer(): void {
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.joinTimer = null;
  }

  private clearSyncTimer(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
  }

  private clearTimers(): void {
    this.clearJoinTimer();
    this.clearSyncTimer();
    for (const t of this.heartbeatTimers.values()) clearTimeout(t);
    this.heartbeatTimers.clear();
  }
}

function inconsistent(requested: string | null, actual: string | null): boolean {
  return requested !== null && actual !== null && requested !== actual;
}

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}
