/**
 * A KIP-848 consumer group (the "consumer" group protocol, ConsumerGroupHeartbeat),
 * after Kafka's GroupMetadataManager / ConsumerGroup / CurrentAssignmentBuilder:
 *
 * - The group epoch is bumped whenever the group's subscriptions change: a member
 *   joins with or changes its subscription, leaves, or is fenced; or the subscribed
 *   topics change (created, deleted, partitions added), noticed on the next heartbeat.
 * - When the group epoch is ahead of the target assignment epoch, the server-side
 *   assignor computes a new target assignment (state Assigning until then).
 * - Each member reconciles towards its target in steps (state Reconciling): it first
 *   revokes what it must give up (UNREVOKED_PARTITIONS, staying in its epoch until its
 *   heartbeat no longer reports them as owned), then receives its new partitions, but
 *   only those no other member still owns (UNRELEASED_PARTITIONS until they are
 *   released); then it is STABLE at the target epoch.
 * - Members heartbeat every `heartbeatIntervalMs`; a member not heard from for
 *   `sessionTimeoutMs`, or that fails to revoke within its rebalance timeout, is fenced
 *   (removed). Static members (instance id) may leave temporarily (epoch -2) and come
 *   back under a new member id within the session timeout, keeping their assignment.
 *
 * All work is synchronous; time comes from an injectable GroupClock so tests can
 * drive timeouts. Any change is also described as records (see ConsumerGroupRecord)
 * that a persistence layer can write to `__consumer_offsets` and replay on start-up.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../wire/error-codes.js';
import { uuidToString } from '../wire/reader.js';
import { EMPTY_ASSIGNMENT, SERVER_ASSIGNORS, type Assignment, type AssignmentMemberSpec, type ServerAssignor } from './assignors.js';
import type { GroupLike } from './group.js';

// ---- Time -------------------------------------------------------------------

export interface GroupClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

/** Wall clock and unref'd Node timers: a pending session timeout never keeps the process alive. */
export const SYSTEM_CLOCK: GroupClock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

// ---- Topic metadata ---------------------------------------------------------

/** What the group needs to know about topics; `LogStore` satisfies it. */
export interface TopicSource {
  topics(): Iterable<{ readonly name: string; readonly topicId: string; readonly numPartitions: number; readonly internal: boolean }>;
  topic(name: string): { readonly topicId: string; readonly numPartitions: number } | undefined;
  topicById(topicId: string): { readonly name: string; readonly numPartitions: number } | undefined;
}

// ---- Config -----------------------------------------------------------------

export interface ConsumerGroupConfig {
  /** `group.consumer.heartbeat.interval.ms` (Kafka default 5000). */
  heartbeatIntervalMs: number;
  /** `group.consumer.session.timeout.ms` (Kafka default 45000). */
  sessionTimeoutMs: number;
  /** `group.consumer.max.size` (Kafka default Integer.MAX_VALUE). */
  maxSize: number;
  /** `group.consumer.assignors`: the first one is the default. */
  assignors: readonly ServerAssignor[];
}

export const DEFAULT_CONSUMER_GROUP_CONFIG: ConsumerGroupConfig = {
  heartbeatIntervalMs: 5000,
  sessionTimeoutMs: 45000,
  maxSize: 2147483647,
  assignors: SERVER_ASSIGNORS,
};

// ---- Epoch sentinels (ConsumerGroupHeartbeatRequest) ------------------------

export const JOIN_GROUP_MEMBER_EPOCH = 0;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;
/** ConsumerGroupHeartbeat v1+ requires client-generated member ids (KIP-1082). */
export const CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION = 1;

// ---- Members ----------------------------------------------------------------

/** Reconciliation state of one member (Kafka's MemberState). */
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS';

/** Kafka's on-disk codes of MemberState (ConsumerGroupCurrentMemberAssignmentValue.State). */
export const MEMBER_STATE_CODES: Record<MemberState, number> = { UNREVOKED_PARTITIONS: 0, UNRELEASED_PARTITIONS: 1, STABLE: 2 };

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** How long the member may take to revoke partitions; -1 until it says. */
  readonly rebalanceTimeoutMs: number;
  /** Sorted, without duplicates. */
  readonly subscribedTopicNames: readonly string[];
  /** null or "" when the member does not subscribe by regex. */
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  /** Partitions the member owns and may use (what heartbeat responses carry). */
  readonly assignedPartitions: Assignment;
  /** Partitions the member must give up before it can move on. */
  readonly partitionsPendingRevocation: Assignment;
}

function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: 'STABLE',
    assignedPartitions: EMPTY_ASSIGNMENT,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
  };
}

/**
 * The member's epoch moves to `epoch`, remembering the one it leaves (Kafka's
 * Builder.updateMemberEpoch). Staying in the same epoch keeps the previous one
 * (Kafka would overwrite it with the current epoch, which only costs a record).
 */
function withEpoch(m: ConsumerGroupMember, epoch: number): Pick<ConsumerGroupMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return { memberEpoch: epoch, previousMemberEpoch: epoch === m.memberEpoch ? m.previousMemberEpoch : m.memberEpoch };
}

// ---- Requests and responses ---------------------------------------------------

export interface TopicPartitionsIn {
  readonly topicId: string;
  readonly partitions: readonly number[];
}

/** The fields of a ConsumerGroupHeartbeat request the group acts on. */
export interface HeartbeatRequest {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[] | null;
  /** v1+; null when absent. */
  readonly subscribedTopicRegex?: string | null;
  readonly serverAssignor: string | null;
  readonly topicPartitions: readonly TopicPartitionsIn[] | null;
}

export interface HeartbeatContext {
  readonly clientId: string;
  /** As Kafka reports it: "/" + address. */
  readonly clientHost: string;
}

export interface HeartbeatResponse {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

export interface DescribedTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}

export interface DescribedMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: { topicPartitions: DescribedTopicPartitions[] };
  targetAssignment: { topicPartitions: DescribedTopicPartitions[] };
}

export interface DescribedConsumerGroup {
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: DescribedMember[];
}

/** A Kafka error with its message, as the heartbeat answers it. */
export class GroupError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorResponse(code: number, message: string | null): HeartbeatResponse {
  return { errorCode: code, errorMessage: message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
}

/**
 * Request checks Kafka makes before looking at the group
 * (GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid).
 * Returns null when the request is well formed.
 */
export function validateHeartbeatRequest(
  groupId: string,
  req: HeartbeatRequest,
  apiVersion: number,
  assignors: readonly ServerAssignor[],
): GroupError | null {
  const invalid = (msg: string): GroupError => new GroupError(ErrorCode.INVALID_REQUEST, msg);
  if (apiVersion >= CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION || req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
    if (req.memberId === '') return invalid("MemberId can't be empty.");
  }
  if (groupId === '') return invalid("GroupId can't be empty.");
  if (req.instanceId === '') return invalid("InstanceId can't be empty.");
  if (req.rackId === '') return invalid("RackId can't be empty.");
  if (req.memberEpoch === JOIN_GROUP_MEMBER_EPOCH) {
    if (req.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null && (req.subscribedTopicRegex ?? null) === null) {
      return invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
    }
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) return invalid("InstanceId can't be null.");
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return invalid('MemberEpoch is invalid.');
  }
  if (req.serverAssignor !== null && !assignors.some((a) => a.name === req.serverAssignor)) {
    return new GroupError(
      ErrorCode.UNSUPPORTED_ASSIGNOR,
      `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.map((a) => a.name).join(', ')}.`,
    );
  }
  return null;
}

// ---- Records (persistence) -------------------------------------------------------

/**
 * The state changes of a consumer group, shaped like Kafka's KIP-848 records in
 * `__consumer_offsets` (ConsumerGroupMetadata, ConsumerGroupMemberMetadata,
 * ConsumerGroupTargetAssignmentMetadata/Member, ConsumerGroupCurrentMemberAssignment).
 * `value: null` is a tombstone. Replaying them in order rebuilds the group.
 */
export type ConsumerGroupRecord =
  | { type: 'group-epoch'; groupId: string; value: { epoch: number; metadataHash: bigint } | null }
  | { type: 'member-metadata'; groupId: string; memberId: string; value: MemberMetadataValue | null }
  | { type: 'target-assignment-epoch'; groupId: string; value: { assignmentEpoch: number } | null }
  | { type: 'target-assignment-member'; groupId: string; memberId: string; value: { partitions: Assignment } | null }
  | { type: 'current-assignment'; groupId: string; memberId: string; value: CurrentAssignmentValue | null };

export interface MemberMetadataValue {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: readonly string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  rebalanceTimeoutMs: number;
}

export interface CurrentAssignmentValue {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assignedPartitions: Assignment;
  partitionsPendingRevocation: Assignment;
}

// ---- Regular expressions -------------------------------------------------------

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * Compiles a subscription regex. Kafka uses RE2/J with full-match semantics
 * (`matcher(topic).matches()`); this translates the RE2 syntax JavaScript lacks
 * (leading `(?i)`/`(?s)`/`(?m)` flags, `(?P<name>`, `\Q…\E`, `\A`, `\z`, POSIX
 * classes such as `[[:alpha:]]`) and rejects what RE2 rejects (lookaround,
 * backreferences). Throws SyntaxError with a description when invalid.
 */
export function compileTopicRegex(source: string): RegExp {
  let out = '';
  let flags = '';
  let inClass = false;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (c === '\\') {
      const d = source[i + 1];
      if (d === undefined) throw new SyntaxError('trailing backslash at end of expression');
      if (!inClass && d === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        out += escapeLiteral(source.slice(i + 2, end < 0 ? n : end));
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (!inClass && d === 'A') {
        out += '^';
        i += 2;
        continue;
      }
      if (!inClass && d === 'z') {
        out += '$';
        i += 2;
        continue;
      }
      if (/[1-9]/.test(d)) throw new SyntaxError(`invalid escape sequence: \\${d} (backreferences are not supported)`);
      if (d === 'p' || d === 'P' || d === 'C') throw new SyntaxError(`unsupported escape sequence: \\${d}`);
      out += c + d;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') {
        const end = source.indexOf(':]', i + 2);
        const name = end < 0 ? '' : source.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls === undefined || negated) throw new SyntaxError(`invalid character class range: [:${name}:]`);
        out += cls;
        i = end + 2;
        continue;
      }
      if (c === '[') {
        out += '\\[';
        i++;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      // RE2, like Perl, reads a `]` right after `[` or `[^` as a literal.
      if (source[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) throw new SyntaxError('invalid or unsupported Perl syntax: lookaround');
      const flagGroup = /^([a-zA-Z-]*)\)/.exec(rest);
      if (flagGroup) {
        const f = flagGroup[1]!;
        if (i !== 0 || !/^[ims]+$/.test(f)) throw new SyntaxError(`unsupported flag group: (?${f})`);
        for (const ch of f) if (!flags.includes(ch)) flags += ch;
        i += 3 + f.length;
        continue;
      }
      if (/^[a-zA-Z-]+:/.test(rest)) throw new SyntaxError('unsupported flag group inside the expression');
    }
    out += c;
    i++;
  }
  if (inClass) throw new SyntaxError('missing closing ]');
  return new RegExp(`^(?:${out})$`, flags);
}

// ---- The group -----------------------------------------------------------------

export interface TopicMeta {
  readonly topicId: string;
  readonly numPartitions: number;
}

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

export interface ConsumerGroupOptions {
  readonly topics: TopicSource;
  readonly config?: Partial<ConsumerGroupConfig>;
  readonly clock?: GroupClock;
  /** Receives every state change as records, in order (for `__consumer_offsets`). */
  readonly onRecords?: (records: ConsumerGroupRecord[]) => void;
  /** Called after a member is fenced by a timer (session or rebalance timeout). */
  readonly onFenced?: (memberId: string, reason: string) => void;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameAssignment(a: Assignment, b: Assignment): boolean {
  let na = 0;
  for (const [t, ps] of a) {
    if (ps.size === 0) continue;
    na++;
    const qs = b.get(t);
    if (!qs || qs.size !== ps.size) return false;
    for (const p of ps) if (!qs.has(p)) return false;
  }
  let nb = 0;
  for (const ps of b.values()) if (ps.size > 0) nb++;
  return na === nb;
}

function assignmentFromList(list: readonly TopicPartitionsIn[] | null): Assignment | null {
  if (list === null) return null;
  const m = new Map<string, Set<number>>();
  for (const tp of list) {
    let s = m.get(tp.topicId);
    if (!s) m.set(tp.topicId, (s = new Set()));
    for (const p of tp.partitions) s.add(p);
  }
  return m;
}

function toList(a: Assignment): { topicId: string; partitions: number[] }[] {
  const out: { topicId: string; partitions: number[] }[] = [];
  for (const [topicId, ps] of a) if (ps.size > 0) out.push({ topicId, partitions: [...ps].sort((x, y) => x - y) });
  return out.sort((x, y) => (x.topicId < y.topicId ? -1 : x.topicId > y.topicId ? 1 : 0));
}

/** Whether the reported owned partitions still include any of `revoking` (null: unknown, so yes). */
function ownsAnyOf(revoking: Assignment, owned: Assignment | null): boolean {
  if (owned === null) return true;
  for (const [t, ps] of owned) {
    const r = revoking.get(t);
    if (!r) continue;
    for (const p of ps) if (r.has(p)) return true;
  }
  return false;
}

/** Whether every reported owned partition is in `target` (Kafka's isSubset; null is not a subset). */
function isSubset(owned: Assignment | null, target: Assignment): boolean {
  if (owned === null) return false;
  for (const [t, ps] of owned) {
    const tp = target.get(t);
    if (!tp) {
      if (ps.size === 0) continue;
      return false;
    }
    for (const p of ps) if (!tp.has(p)) return false;
  }
  return true;
}

export class ConsumerGroup implements GroupLike {
  readonly type = 'consumer' as const;
  readonly protocolType = 'consumer';
  private readonly topicSource: TopicSource;
  private readonly config: ConsumerGroupConfig;
  private readonly clock: GroupClock;
  private readonly onRecords: ((records: ConsumerGroupRecord[]) => void) | undefined;
  private readonly onFenced: ((memberId: string, reason: string) => void) | undefined;

  private readonly members = new Map<string, ConsumerGroupMember>();
  /** Instance id → member id of static members. */
  private readonly staticMembers = new Map<string, string>();
  private groupEpochValue = 0;
  private assignmentEpochValue = 0;
  private targetAssignment = new Map<string, Assignment>();
  /** Topic name → id and partition count of every existing topic the group subscribes to. */
  private subscriptionMetadata = new Map<string, TopicMeta>();
  /** Topic id → partition → epoch of the member that owns it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();
  private readonly timers = new Map<string, () => void>();
  private readonly regexCache = new Map<string, RegExp>();
  private dead = false;
  private loadedMetadataHash = 0n;
  /** Records of the change being made; flushed to onRecords at the end of an operation. */
  private pending: ConsumerGroupRecord[] = [];

  constructor(
    readonly groupId: string,
    opts: ConsumerGroupOptions,
  ) {
    this.topicSource = opts.topics;
    this.config = { ...DEFAULT_CONSUMER_GROUP_CONFIG, ...opts.config };
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.onRecords = opts.onRecords;
    this.onFenced = opts.onFenced;
  }

  // ---- GroupLike ----

  get stateName(): ConsumerGroupState {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpochValue > this.assignmentEpochValue) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.state !== 'STABLE' || m.memberEpoch !== this.assignmentEpochValue) return 'Reconciling';
    }
    return 'Stable';
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /**
   * OffsetCommit/TxnOffsetCommit check, as Kafka's ConsumerGroup.validateOffsetCommit:
   * a negative epoch commits freely only while the group is empty (admin tools,
   * standalone consumers); a transactional commit without member id, epoch and
   * instance id is not checked; otherwise the member must exist (UNKNOWN_MEMBER_ID),
   * commit with OffsetCommit v9+ (UNSUPPORTED_VERSION), and send its current epoch
   * exactly (STALE_MEMBER_EPOCH otherwise, older or newer alike).
   */
  validateOffsetCommit(
    memberId: string,
    groupInstanceId: string | null,
    memberEpoch: number,
    opts: { apiVersion?: number; transactional?: boolean } = {},
  ): number {
    if (memberEpoch < 0 && this.members.size === 0) return ErrorCode.NONE;
    if (opts.transactional && memberEpoch === -1 && memberId === '' && groupInstanceId === null) return ErrorCode.NONE;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (!opts.transactional && opts.apiVersion !== undefined && opts.apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION;
    if (memberEpoch !== member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  /**
   * OffsetFetch v9+ check (ConsumerGroup.validateOffsetFetch): without member id and
   * with a negative epoch anyone may fetch; otherwise the member must exist and
   * send its current epoch.
   */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
    const member = memberId === null ? undefined : this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch !== member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  /** DeleteGroups: only an empty group may be deleted. */
  validateDeleteGroup(): number {
    return this.members.size === 0 ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP;
  }

  /** OffsetDelete answers GROUP_SUBSCRIBED_TO_TOPIC for these. */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscriptionMetadata.has(topic);
  }

  shutdown(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /**
   * The group is deleted (DeleteGroups, offset expiry, or its id taken over by a
   * classic group): tombstones for everything it persisted, as Kafka's
   * ConsumerGroup.createGroupTombstoneRecords; then it is Dead.
   */
  deleted(): void {
    for (const memberId of [...this.members.keys()]) this.removeMember(memberId);
    this.emit({ type: 'target-assignment-epoch', groupId: this.groupId, value: null });
    this.emit({ type: 'group-epoch', groupId: this.groupId, value: null });
    this.dead = true;
    this.shutdown();
    this.flush();
  }

  // ---- Accessors ----

  get groupEpoch(): number {
    return this.groupEpochValue;
  }

  get assignmentEpoch(): number {
    return this.assignmentEpochValue;
  }

  get size(): number {
    return this.members.size;
  }

  member(memberId: string): ConsumerGroupMember | undefined {
    return this.members.get(memberId);
  }

  allMembers(): ConsumerGroupMember[] {
    return [...this.members.values()];
  }

  targetAssignmentOf(memberId: string): Assignment {
    return this.targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** The assignor most members asked for (ties: by name), else the default. */
  preferredAssignor(members: Iterable<ConsumerGroupMember> = this.members.values()): ServerAssignor {
    const counts = new Map<string, number>();
    for (const m of members) if (m.serverAssignor !== null) counts.set(m.serverAssignor, (counts.get(m.serverAssignor) ?? 0) + 1);
    let best: string | null = null;
    for (const [name, c] of counts) {
      if (best === null || c > counts.get(best)! || (c === counts.get(best)! && name < best)) best = name;
    }
    return this.config.assignors.find((a) => a.name === best) ?? this.config.assignors[0]!;
  }

  // ---- ConsumerGroupHeartbeat ----

  /**
   * Handles one ConsumerGroupHeartbeat for this group (request-level checks, see
   * validateHeartbeatRequest, are the caller's). Errors come back as error codes.
   */
  heartbeat(req: HeartbeatRequest, ctx: HeartbeatContext): HeartbeatResponse {
    try {
      if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return this.leave(req);
      return this.regularHeartbeat(req, ctx);
    } catch (err) {
      this.pending = [];
      if (err instanceof GroupError) return errorResponse(err.code, err.message);
      throw err;
    } finally {
      this.flush();
    }
  }

  private regularHeartbeat(req: HeartbeatRequest, ctx: HeartbeatContext): HeartbeatResponse {
    const createIfNotExists = req.memberEpoch === JOIN_GROUP_MEMBER_EPOCH;
    const owned = assignmentFromList(req.topicPartitions);
    if (this.members.size >= this.config.maxSize && (req.memberId === '' || !this.members.has(req.memberId))) {
      throw new GroupError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.config.maxSize} members.`);
    }
    const memberId = req.memberId === '' ? uuidToString(randomBytes(16)) : req.memberId;

    // Find (or create) the member; a static member coming back replaces its previous incarnation.
    let member: ConsumerGroupMember;
    let replaced: ConsumerGroupMember | null = null;
    if (req.instanceId === null) {
      const existing = this.members.get(memberId);
      if (!existing && !createIfNotExists) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${this.groupId}.`);
      member = existing ?? newMember(memberId);
      this.throwIfEpochInvalid(member, req.memberEpoch, owned);
    } else {
      const existingStatic = this.staticMember(req.instanceId);
      if (createIfNotExists) {
        if (!existingStatic) {
          member = this.members.get(memberId) ?? newMember(memberId);
        } else {
          if (existingStatic.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new GroupError(
              ErrorCode.UNRELEASED_INSTANCE_ID,
              `Static member ${memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${existingStatic.memberId} member.`,
            );
          }
          member = { ...existingStatic, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
          replaced = existingStatic;
        }
      } else {
        if (!existingStatic) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
        if (existingStatic.memberId !== memberId) {
          throw new GroupError(
            ErrorCode.FENCED_INSTANCE_ID,
            `Static member ${memberId} with instance id ${req.instanceId} was fenced by member ${existingStatic.memberId}.`,
          );
        }
        this.throwIfEpochInvalid(existingStatic, req.memberEpoch, owned);
        member = existingStatic;
      }
    }

    const regex = req.subscribedTopicRegex ?? null;
    let updated: ConsumerGroupMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: req.subscribedTopicNames !== null ? [...new Set(req.subscribedTopicNames)].sort() : member.subscribedTopicNames,
      subscribedTopicRegex: regex ?? member.subscribedTopicRegex,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
    };
    const regexChanged = (updated.subscribedTopicRegex ?? '') !== (member.subscribedTopicRegex ?? '');
    if (regexChanged && updated.subscribedTopicRegex) this.regexFor(updated.subscribedTopicRegex); // throws INVALID_REGULAR_EXPRESSION

    // ---- No errors past this point: apply. ----

    if (replaced) this.replaceStaticMember(replaced, member);

    // 1. Member and subscriptions; bump the group epoch when they changed.
    let bump = this.groupEpochValue === 0;
    if (!sameNames(updated.subscribedTopicNames, member.subscribedTopicNames) || regexChanged) bump = true;
    if (!this.sameMetadata(member, updated)) this.emit({ type: 'member-metadata', groupId: this.groupId, memberId, value: metadataValue(updated) });
    const membersAfter = new Map(this.members);
    membersAfter.set(memberId, updated);
    const metadata = this.computeSubscriptionMetadata(membersAfter.values());
    if (!sameMetadataMap(metadata, this.subscriptionMetadata)) {
      bump = true;
      this.subscriptionMetadata = metadata;
    }
    if (bump) this.bumpGroupEpoch();

    // 2. A new target assignment when the group epoch moved past it.
    if (this.groupEpochValue > this.assignmentEpochValue) this.updateTargetAssignment(membersAfter);

    // 3. Reconcile the member towards its target.
    const before = updated;
    updated = this.reconcile(updated, owned);
    this.putMember(updated);
    if (updated !== before) {
      this.emitCurrentAssignment(updated);
      if (updated.state === 'UNREVOKED_PARTITIONS') this.scheduleRebalanceTimeout(updated);
      else this.cancelTimer(`rebalance:${memberId}`);
    }
    this.scheduleSessionTimeout(memberId);

    // The assignment goes back on full requests (joining, or after errors: every
    // non-optional field set) and whenever it changed.
    const fullRequest =
      req.memberEpoch === JOIN_GROUP_MEMBER_EPOCH ||
      (req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || regex !== null) && req.topicPartitions !== null);
    const changed = !sameAssignment(member.assignedPartitions, updated.assignedPartitions);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: updated.memberId,
      memberEpoch: updated.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: fullRequest || changed ? { topicPartitions: toList(updated.assignedPartitions) } : null,
    };
  }

  private leave(req: HeartbeatRequest): HeartbeatResponse {
    const ok = (memberId: string, memberEpoch: number): HeartbeatResponse => ({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    if (req.instanceId === null) {
      const member = this.members.get(req.memberId);
      if (!member) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${this.groupId}.`);
      this.fenceMember(member);
      return ok(req.memberId, req.memberEpoch);
    }
    const member = this.staticMember(req.instanceId);
    if (!member) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
    if (member.memberId !== req.memberId) {
      throw new GroupError(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${member.memberId}.`,
      );
    }
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // Temporarily gone: it keeps its assigned partitions (others cannot take them)
      // until it comes back or its session expires; pending revocations are released.
      const left: ConsumerGroupMember = { ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: EMPTY_ASSIGNMENT };
      this.putMember(left);
      this.emitCurrentAssignment(left);
      return ok(member.memberId, LEAVE_GROUP_STATIC_MEMBER_EPOCH);
    }
    this.fenceMember(member);
    return ok(req.memberId, req.memberEpoch);
  }

  /** FENCED_MEMBER_EPOCH unless the epoch is the member's, or its previous one with owned ⊆ assigned (a lost response). */
  private throwIfEpochInvalid(member: ConsumerGroupMember, received: number, owned: Assignment | null): void {
    // A member fenced on its side rejoins with epoch 0 under the same id (KAFKA-19233).
    if (received === JOIN_GROUP_MEMBER_EPOCH) return;
    if (received > member.memberEpoch) {
      throw new GroupError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
    if (received < member.memberEpoch && (received !== member.previousMemberEpoch || !isSubset(owned, member.assignedPartitions))) {
      throw new GroupError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
  }

  private staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  // ---- Subscriptions ----

  private regexFor(source: string): RegExp {
    let re = this.regexCache.get(source);
    if (!re) {
      try {
        re = compileTopicRegex(source);
      } catch (err) {
        throw new GroupError(
          ErrorCode.INVALID_REGULAR_EXPRESSION,
          `SubscribedTopicRegex \`${source}\` is not a valid regular expression: ${(err as Error).message}.`,
        );
      }
      this.regexCache.set(source, re);
    }
    return re;
  }

  /** Topic names a member subscribes to: its names, plus the existing non-internal topics its regex matches. */
  private subscribedNames(m: ConsumerGroupMember): Set<string> {
    const names = new Set(m.subscribedTopicNames);
    if (m.subscribedTopicRegex) {
      const re = this.regexFor(m.subscribedTopicRegex);
      for (const t of this.topicSource.topics()) if (!t.internal && re.test(t.name)) names.add(t.name);
    }
    return names;
  }

  private computeSubscriptionMetadata(members: Iterable<ConsumerGroupMember>): Map<string, TopicMeta> {
    const out = new Map<string, TopicMeta>();
    for (const m of members) {
      for (const name of this.subscribedNames(m)) {
        if (out.has(name)) continue;
        const t = this.topicSource.topic(name);
        if (t) out.set(name, { topicId: t.topicId, numPartitions: t.numPartitions });
      }
    }
    return out;
  }

  private subscribedTopicIds(m: ConsumerGroupMember, metadata: Map<string, TopicMeta>): Set<string> {
    const ids = new Set<string>();
    for (const name of this.subscribedNames(m)) {
      const meta = metadata.get(name);
      if (meta) ids.add(meta.topicId);
    }
    return ids;
  }

  private sameMetadata(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
    return (
      a.instanceId === b.instanceId &&
      a.rackId === b.rackId &&
      a.clientId === b.clientId &&
      a.clientHost === b.clientHost &&
      a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
      a.serverAssignor === b.serverAssignor &&
      a.subscribedTopicRegex === b.subscribedTopicRegex &&
      sameNames(a.subscribedTopicNames, b.subscribedTopicNames) &&
      this.members.has(a.memberId)
    );
  }

  // ---- Target assignment ----

  private updateTargetAssignment(members: Map<string, ConsumerGroupMember>): void {
    const assignor = this.preferredAssignor(members.values());
    const partitionCounts = new Map<string, number>();
    for (const meta of this.subscriptionMetadata.values()) partitionCounts.set(meta.topicId, meta.numPartitions);
    const specs: AssignmentMemberSpec[] = [...members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      subscribedTopicIds: this.subscribedTopicIds(m, this.subscriptionMetadata),
      currentAssignment: this.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT,
    }));
    const result = assignor.assign({ members: specs, partitionCounts });
    const next = new Map<string, Assignment>();
    for (const m of members.values()) {
      const a = result.get(m.memberId) ?? EMPTY_ASSIGNMENT;
      next.set(m.memberId, a);
      if (!sameAssignment(a, this.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT) || !this.targetAssignment.has(m.memberId)) {
        this.emit({ type: 'target-assignment-member', groupId: this.groupId, memberId: m.memberId, value: { partitions: a } });
      }
    }
    this.targetAssignment = next;
    this.assignmentEpochValue = this.groupEpochValue;
    this.emit({ type: 'target-assignment-epoch', groupId: this.groupId, value: { assignmentEpoch: this.assignmentEpochValue } });
  }

  // ---- Reconciliation (Kafka's CurrentAssignmentBuilder) ----

  /** The member's next reconciliation step; the same object when nothing changes. */
  private reconcile(m: ConsumerGroupMember, owned: Assignment | null): ConsumerGroupMember {
    if (m.state === 'STABLE' && m.memberEpoch === this.assignmentEpochValue) return m;
    // UNREVOKED_PARTITIONS: stuck until the member's heartbeat no longer reports the revoked partitions.
    if (m.state === 'UNREVOKED_PARTITIONS' && ownsAnyOf(m.partitionsPendingRevocation, owned)) return m;
    const next = this.computeNextAssignment(m, m.memberEpoch, owned);
    const same =
      next.state === m.state &&
      next.memberEpoch === m.memberEpoch &&
      next.previousMemberEpoch === m.previousMemberEpoch &&
      sameAssignment(next.assignedPartitions, m.assignedPartitions) &&
      sameAssignment(next.partitionsPendingRevocation, m.partitionsPendingRevocation);
    return same ? m : next;
  }

  private computeNextAssignment(m: ConsumerGroupMember, memberEpoch: number, owned: Assignment | null): ConsumerGroupMember {
    const target = this.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT;
    const subscribed = this.subscribedTopicIds(m, this.subscriptionMetadata);
    const assigned = new Map<string, Set<number>>();
    const revoking = new Map<string, Set<number>>();
    const toAssign = new Map<string, Set<number>>();
    let unreleased = false;

    const topicIds = new Set([...target.keys(), ...m.assignedPartitions.keys()]);
    for (const topicId of topicIds) {
      // A topic the member no longer subscribes to is revoked whatever the target says.
      const tgt = subscribed.has(topicId) ? (target.get(topicId) ?? new Set<number>()) : new Set<number>();
      const current = m.assignedPartitions.get(topicId) ?? new Set<number>();
      const keep = new Set([...current].filter((p) => tgt.has(p)));
      const revoke = new Set([...current].filter((p) => !keep.has(p)));
      const pendingRevocation = m.partitionsPendingRevocation.get(topicId);
      const add = new Set<number>();
      for (const p of tgt) {
        if (keep.has(p)) continue;
        // Only partitions nobody else still owns can be handed over.
        const ownedElsewhere = this.partitionEpoch(topicId, p) !== -1 && !pendingRevocation?.has(p);
        if (ownedElsewhere) unreleased = true;
        else add.add(p);
      }
      if (keep.size > 0) assigned.set(topicId, keep);
      if (revoke.size > 0) revoking.set(topicId, revoke);
      if (add.size > 0) toAssign.set(topicId, add);
    }

    if (revoking.size > 0 && ownsAnyOf(revoking, owned)) {
      // Revoke first: the member stays in its epoch until it has let go.
      return { ...m, state: 'UNREVOKED_PARTITIONS', ...withEpoch(m, memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: revoking };
    }
    for (const [topicId, ps] of toAssign) {
      const s = assigned.get(topicId);
      if (s) for (const p of ps) s.add(p);
      else assigned.set(topicId, ps);
    }
    return {
      ...m,
      state: unreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
      ...withEpoch(m, this.assignmentEpochValue),
      assignedPartitions: assigned,
      partitionsPendingRevocation: EMPTY_ASSIGNMENT,
    };
  }

  private partitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  // ---- Member bookkeeping ----

  /** Stores a member (new or updated) and its partition ownership. */
  private putMember(m: ConsumerGroupMember): void {
    const previous = this.members.get(m.memberId);
    if (previous) this.releasePartitions(previous);
    this.members.set(m.memberId, m);
    if (previous?.instanceId && previous.instanceId !== m.instanceId && this.staticMembers.get(previous.instanceId) === m.memberId) {
      this.staticMembers.delete(previous.instanceId);
    }
    if (m.instanceId) this.staticMembers.set(m.instanceId, m.memberId);
    this.claimPartitions(m);
  }

  private claimPartitions(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, ps] of a) {
        let e = this.partitionEpochs.get(topicId);
        if (!e) this.partitionEpochs.set(topicId, (e = new Map()));
        for (const p of ps) e.set(p, m.memberEpoch);
      }
    }
  }

  private releasePartitions(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, ps] of a) {
        const e = this.partitionEpochs.get(topicId);
        if (!e) continue;
        for (const p of ps) e.delete(p);
        if (e.size === 0) this.partitionEpochs.delete(topicId);
      }
    }
  }

  /** Drops a member's state and timers (no epoch bump). */
  private removeMember(memberId: string): void {
    const m = this.members.get(memberId);
    if (!m) return;
    this.releasePartitions(m);
    this.members.delete(memberId);
    if (m.instanceId && this.staticMembers.get(m.instanceId) === memberId) this.staticMembers.delete(m.instanceId);
    this.targetAssignment.delete(memberId);
    this.cancelTimer(`session:${memberId}`);
    this.cancelTimer(`rebalance:${memberId}`);
    this.emit({ type: 'current-assignment', groupId: this.groupId, memberId, value: null });
    this.emit({ type: 'target-assignment-member', groupId: this.groupId, memberId, value: null });
    this.emit({ type: 'member-metadata', groupId: this.groupId, memberId, value: null });
  }

  /** A static member's new incarnation takes over its predecessor's assignment and target. */
  private replaceStaticMember(old: ConsumerGroupMember, replacement: ConsumerGroupMember): void {
    const target = this.targetAssignment.get(old.memberId) ?? EMPTY_ASSIGNMENT;
    this.removeMember(old.memberId);
    this.putMember(replacement);
    this.targetAssignment.set(replacement.memberId, target);
    this.emit({ type: 'member-metadata', groupId: this.groupId, memberId: replacement.memberId, value: metadataValue(replacement) });
    this.emit({ type: 'target-assignment-member', groupId: this.groupId, memberId: replacement.memberId, value: { partitions: target } });
    this.emitCurrentAssignment(replacement);
  }

  /** Removes a member (leave, session or rebalance timeout) and bumps the group epoch. */
  private fenceMember(m: ConsumerGroupMember): void {
    this.removeMember(m.memberId);
    this.subscriptionMetadata = this.computeSubscriptionMetadata(this.members.values());
    this.bumpGroupEpoch();
  }

  private bumpGroupEpoch(): void {
    this.groupEpochValue++;
    this.emit({ type: 'group-epoch', groupId: this.groupId, value: { epoch: this.groupEpochValue, metadataHash: metadataHash(this.subscriptionMetadata) } });
  }

  /** Fences a member from a timer callback. */
  private fenceFromTimer(memberId: string, reason: string, onlyAtEpoch?: number): void {
    const m = this.members.get(memberId);
    if (!m || this.dead) return;
    if (onlyAtEpoch !== undefined && m.memberEpoch !== onlyAtEpoch) return;
    try {
      this.fenceMember(m);
    } finally {
      this.flush();
    }
    this.onFenced?.(memberId, reason);
  }

  // ---- Timers ----

  private scheduleSessionTimeout(memberId: string): void {
    this.setTimer(`session:${memberId}`, this.config.sessionTimeoutMs, () => this.fenceFromTimer(memberId, 'the member session expired'));
  }

  private scheduleRebalanceTimeout(m: ConsumerGroupMember): void {
    const { memberId, memberEpoch } = m;
    const ms = m.rebalanceTimeoutMs > 0 ? m.rebalanceTimeoutMs : this.config.sessionTimeoutMs;
    this.setTimer(`rebalance:${memberId}`, ms, () =>
      this.fenceFromTimer(memberId, `it failed to transition from epoch ${memberEpoch} within ${ms}ms`, memberEpoch),
    );
  }

  private setTimer(key: string, ms: number, fn: () => void): void {
    this.cancelTimer(key);
    if (this.dead) return;
    const cancel = this.clock.schedule(ms, () => {
      this.timers.delete(key);
      fn();
    });
    this.timers.set(key, cancel);
  }

  private cancelTimer(key: string): void {
    const cancel = this.timers.get(key);
    if (cancel) {
      cancel();
      this.timers.delete(key);
    }
  }

  // ---- Records ----

  private emit(r: ConsumerGroupRecord): void {
    if (this.onRecords) this.pending.push(r);
  }

  private emitCurrentAssignment(m: ConsumerGroupMember): void {
    this.emit({
      type: 'current-assignment',
      groupId: this.groupId,
      memberId: m.memberId,
      value: {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: m.state,
        assignedPartitions: m.assignedPartitions,
        partitionsPendingRevocation: m.partitionsPendingRevocation,
      },
    });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    this.onRecords?.(records);
  }

  /**
   * Rebuilds state from persisted records (start-up), then `onLoaded()` starts the
   * members' session timers. Records of other groups are ignored.
   */
  replay(r: ConsumerGroupRecord): void {
    if (r.groupId !== this.groupId) return;
    switch (r.type) {
      case 'group-epoch':
        this.groupEpochValue = r.value?.epoch ?? 0;
        this.loadedMetadataHash = r.value?.metadataHash ?? 0n;
        return;
      case 'target-assignment-epoch':
        this.assignmentEpochValue = r.value?.assignmentEpoch ?? 0;
        return;
      case 'target-assignment-member':
        if (r.value === null) this.targetAssignment.delete(r.memberId);
        else this.targetAssignment.set(r.memberId, r.value.partitions);
        return;
      case 'member-metadata': {
        if (r.value === null) {
          const m = this.members.get(r.memberId);
          if (m) this.releasePartitions(m);
          this.members.delete(r.memberId);
          if (m?.instanceId && this.staticMembers.get(m.instanceId) === r.memberId) this.staticMembers.delete(m.instanceId);
          return;
        }
        const m = this.members.get(r.memberId) ?? newMember(r.memberId);
        this.putMember({ ...m, ...r.value, subscribedTopicNames: [...r.value.subscribedTopicNames].sort() });
        return;
      }
      case 'current-assignment': {
        const m = this.members.get(r.memberId);
        if (r.value === null) {
          if (m) this.putMember({ ...m, assignedPartitions: EMPTY_ASSIGNMENT, partitionsPendingRevocation: EMPTY_ASSIGNMENT });
          return;
        }
        this.putMember({ ...(m ?? newMember(r.memberId)), ...r.value });
        return;
      }
    }
  }

  /**
   * After replay: starts session (and pending rebalance) timers. The subscribed
   * topics' metadata is adopted only when it hashes as when it was persisted; if
   * topics changed while the broker was down, the next heartbeat bumps the epoch.
   */
  onLoaded(): void {
    const metadata = this.computeSubscriptionMetadataSafe();
    if (metadataHash(metadata) === this.loadedMetadataHash) this.subscriptionMetadata = metadata;
    for (const m of this.members.values()) {
      this.scheduleSessionTimeout(m.memberId);
      if (m.state === 'UNREVOKED_PARTITIONS') this.scheduleRebalanceTimeout(m);
    }
  }

  private computeSubscriptionMetadataSafe(): Map<string, TopicMeta> {
    try {
      return this.computeSubscriptionMetadata(this.members.values());
    } catch {
      return new Map();
    }
  }

  // ---- ConsumerGroupDescribe ----

  describe(): DescribedConsumerGroup {
    const named = (a: Assignment): DescribedTopicPartitions[] => {
      const out: DescribedTopicPartitions[] = [];
      for (const { topicId, partitions } of toList(a)) {
        const t = this.topicSource.topicById(topicId);
        if (t) out.push({ topicId, topicName: t.name, partitions });
      }
      return out;
    };
    return {
      groupId: this.groupId,
      groupState: this.stateName,
      groupEpoch: this.groupEpochValue,
      assignmentEpoch: this.assignmentEpochValue,
      assignorName: this.preferredAssignor().name,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames],
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: { topicPartitions: named(m.assignedPartitions) },
        targetAssignment: { topicPartitions: named(this.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT) },
      })),
    };
  }
}

function metadataValue(m: ConsumerGroupMember): MemberMetadataValue {
  return {
    instanceId: m.instanceId,
    rackId: m.rackId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: m.subscribedTopicNames,
    subscribedTopicRegex: m.subscribedTopicRegex,
    serverAssignor: m.serverAssignor,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  };
}

function sameMetadataMap(a: Map<string, TopicMeta>, b: Map<string, TopicMeta>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, m] of a) {
    const o = b.get(name);
    if (!o || o.topicId !== m.topicId || o.numPartitions !== m.numPartitions) return false;
  }
  return true;
}

/** 64-bit FNV-1a over the sorted subscribed topics (name, id, partitions); 0 for none. */
export function metadataHash(metadata: ReadonlyMap<string, TopicMeta>): bigint {
  if (metadata.size === 0) return 0n;
  let h = 0xcbf29ce484222325n;
  const text = [...metadata].map(([name, m]) => `${name}\u0000${m.topicId}\u0000${m.numPartitions}`).sort().join('\u0001');
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= BigInt(b);
    h = BigInt.asUintN(64, h * 0x100000001b3n);
  }
  return BigInt.asIntN(64, h);
}
