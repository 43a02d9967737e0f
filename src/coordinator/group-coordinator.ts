/**
 * The group coordinator: every group of this broker by id (classic groups and
 * KIP-848 consumer groups share one namespace), their committed offsets, the
 * `__consumer_offsets` topic that persists both, and offset expiry.
 *
 * ## API (for code outside this file, e.g. the consumer-group protocol)
 *
 * Reach it as `broker.groups`.
 *
 * Registry
 * - `getGroup(id): GroupLike | undefined`: any kind of group.
 * - `classicGroup(id)`: the ClassicGroup, or undefined (absent or another type).
 * - `allGroups(): GroupLike[]`.
 * - `registerGroup(group)`: adds a group you created (e.g. a ConsumerGroup). Throws
 *   when the id is taken, except by a "simple" classic group (one that only holds
 *   offsets), which it replaces as Kafka does.
 * - `removeGroup(id)`: drops the group from the registry and calls its `shutdown()`.
 *   No records are written; committed offsets stay.
 * - `consumerGroupSlot(id)`: what a ConsumerGroupHeartbeat may do with an id, as Kafka's
 *   getOrMaybeCreateConsumerGroup: `{ group }` (an existing consumer group),
 *   `{ group: undefined, errorCode: 0 }` (create one and `registerGroup` it; an empty
 *   classic group there has just been deleted, offsets kept), or `{ errorCode:
 *   GROUP_ID_NOT_FOUND }` (a non-empty classic group holds the id), or COORDINATOR_NOT_AVAILABLE
 *   once shutdown has started.
 *   JoinGroup does the mirror image: an empty consumer group is deleted (its
 *   optional `deleted()` hook is called, then `shutdown()`) and a classic group
 *   takes the id; a non-empty one answers INCONSISTENT_GROUP_PROTOCOL. SyncGroup,
 *   Heartbeat and LeaveGroup against a consumer group answer UNKNOWN_MEMBER_ID.
 * - `run(groupId, fn)`: runs `fn` after every earlier `run` for that group has
 *   finished (one queue per group). Handlers wrap each request in it.
 *
 * Optional group hooks (`GroupExtensions` below): a GroupLike may also implement
 * isSubscribedToTopic, validateOffsetFetch, validateDeleteGroup,
 * validateOffsetDelete, onOffsetCommit and deleted; sensible defaults apply when
 * it does not.
 *
 * Offsets
 * - `offsets: OffsetStore`: `get(group, topic, partition)`, `group(id)`, `commit(...)`,
 *   `delete(...)`. Writes go to `__consumer_offsets` before memory changes.
 *
 * Records (persist your own state in `__consumer_offsets`)
 * - `await ready()`: creates `__consumer_offsets` when missing (internal, compacted,
 *   `offsetsTopicNumPartitions` partitions). Call before the first write.
 * - `appendRecords(groupId, [{ key, value }])`: one batch to the group's partition.
 *   Keys start with an int16 record type; 0-2 are the coordinator's own
 *   (offset commit, group metadata). A null value is a tombstone.
 * - `onRecord(type, handler)`: `handler(key, value)` for every record of that type on
 *   replay. Records replayed before a handler registers are kept (latest per key)
 *   and handed to it at registration, so registering after `load()` works.
 *
 * Topics
 * - `topicsChanged()`: the broker calls it after topics are created or deleted:
 *   offsets of deleted topics are removed (Kafka's onPartitionsDeleted), then
 *   listeners registered with `onTopicsChanged(fn)` run (server-side assignors).
 *
 * Lifecycle (the broker): `load()` after the store opens and before listening
 * (replays the topic, restarts session timers); parked JoinGroup/SyncGroup
 * requests are answered NOT_COORDINATOR when shutdown starts; `shutdown()` after
 * the server stopped clears every timer.
 */
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import type { LogStore, PartitionLog } from '../log/types.js';
import { ErrorCode } from '../wire/error-codes.js';
import { buildRecordBatch, decodeRecords } from '../wire/record-batch.js';
import { ClassicGroup, type ClassicGroupHost } from './classic-group.js';
import type { GroupLike } from './group.js';
import { OffsetStore, type OffsetsRecord } from './offset-store.js';
import { scanBatches } from '../log/scan-batches.js';
import { InternalTopic } from './internal-topic.js';
import {
  OFFSETS_TOPIC,
  decodeOffsetsRecord,
  groupMetadataKey,
  groupMetadataValue,
  type GroupMetadata,
  type OffsetAndMetadata,
} from './offsets-topic.js';

/** Optional members a GroupLike may implement; the coordinator falls back to the defaults described. */
export interface GroupExtensions {
  /** Whether the group consumes `topic` (OffsetDelete, offset expiry). Default: `!isEmpty()`. */
  isSubscribedToTopic(topic: string): boolean;
  /** OffsetFetch v9+ with a member id/epoch (KIP-848 member validation). Default: NONE. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): number;
  /** DeleteGroups. Default: NONE when empty, NON_EMPTY_GROUP otherwise. */
  validateDeleteGroup(): number;
  /** OffsetDelete. Default: NONE when empty, NON_EMPTY_GROUP otherwise. */
  validateOffsetDelete(): number;
  /** After an accepted OffsetCommit from `memberId` (classic groups extend the session). */
  onOffsetCommit(memberId: string): void;
  /** The group was deleted (DeleteGroups, expiry, or its id taken by the other protocol): write your tombstones. */
  deleted(): void;
}

export type CoordinatedGroup = GroupLike & Partial<GroupExtensions>;

export type RecordHandler = (key: Buffer, value: Buffer | null) => void;

export interface GroupCoordinatorConfig {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxSize: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  offsetsTopicNumPartitions: number;
  newMemberJoinTimeoutMs: number;
}

export function coordinatorConfig(c: BrokerConfig): GroupCoordinatorConfig {
  return {
    initialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: c.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
    maxSize: c.groupMaxSize,
    offsetsRetentionMs: c.offsetsRetentionMinutes * 60_000,
    offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
    offsetMetadataMaxBytes: c.offsetMetadataMaxBytes,
    offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
    newMemberJoinTimeoutMs: 5 * 60_000,
  };
}

export interface GroupCoordinatorOptions {
  store: LogStore;
  config: GroupCoordinatorConfig;
  logger: Logger;
  /** Aborted when the broker starts shutting down: parked requests are answered then. */
  closing?: AbortSignal;
}

export class GroupCoordinator {
  readonly offsets: OffsetStore;
  readonly config: GroupCoordinatorConfig;
  private readonly store: LogStore;
  private readonly log: Logger;
  private readonly groups = new Map<string, CoordinatedGroup>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly handlers = new Map<number, RecordHandler>();
  /** Replayed records of types nobody handles yet (latest per key, hex-keyed). */
  private readonly retained = new Map<string, { type: number; key: Buffer; value: Buffer | null }>();
  private readonly topicListeners = new Set<() => void>();
  private readonly classicHost: ClassicGroupHost;
  /**
   * Replay of transactional batches and transaction markers (transactional offset
   * commits, which only count once committed); set by the transaction coordinator
   * before load(). Without it they are skipped.
   */
  transactionalReplay: ((partition: number, batch: Buffer) => void) | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private unloaded = false;

  private internalTopic: InternalTopic | null = null;

  constructor(opts: GroupCoordinatorOptions) {
    this.store = opts.store;
    this.config = opts.config;
    this.log = opts.logger;
    this.offsets = new OffsetStore((groupId, records) => this.appendRecords(groupId, records));
    this.classicHost = {
      config: {
        initialRebalanceDelayMs: this.config.initialRebalanceDelayMs,
        maxSize: this.config.maxSize,
        newMemberJoinTimeoutMs: this.config.newMemberJoinTimeoutMs,
      },
      log: this.log,
      persist: (group, assignment) => this.appendRecords(group.groupId, [{ key: groupMetadataKey(group.groupId), value: groupMetadataValue(group.toMetadata(assignment)) }]),
    };
    opts.closing?.addEventListener('abort', () => this.unload(), { once: true });
  }

  // ---- Registry ----------------------------------------------------------------

  getGroup(groupId: string): CoordinatedGroup | undefined {
    return this.groups.get(groupId);
  }

  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.groups.get(groupId);
    return g instanceof ClassicGroup ? g : undefined;
  }

  allGroups(): CoordinatedGroup[] {
    return [...this.groups.values()];
  }

  registerGroup(group: GroupLike): void {
    const existing = this.groups.get(group.groupId);
    if (existing && existing !== group) {
      if (!(existing instanceof ClassicGroup && existing.isSimpleGroup())) throw new Error(`group id ${group.groupId} is already in use`);
      existing.shutdown();
    }
    this.groups.set(group.groupId, group);
  }

  removeGroup(groupId: string): void {
    const g = this.groups.get(groupId);
    if (!g) return;
    this.groups.delete(groupId);
    g.shutdown();
  }

  /** Gets or creates the classic group for a JoinGroup (see the file comment for consumer groups). */
  classicGroupForJoin(groupId: string, create: boolean): { group?: ClassicGroup; errorCode: number } {
    // Shutting down: no new groups (the client retries elsewhere or after the restart).
    if (this.unloaded) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const g = this.groups.get(groupId);
    if (g instanceof ClassicGroup) return { group: g, errorCode: ErrorCode.NONE };
    if (g !== undefined) {
      if (!g.isEmpty()) return { errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL };
      this.log.info({ group: groupId }, 'converting an empty consumer group to a classic group');
      this.dropGroup(g);
    }
    if (!create) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    const group = new ClassicGroup(groupId, this.classicHost);
    this.groups.set(groupId, group);
    return { group, errorCode: ErrorCode.NONE };
  }

  /** For ConsumerGroupHeartbeat: see the file comment. */
  consumerGroupSlot(groupId: string): { group?: GroupLike; errorCode: number } {
    if (this.unloaded) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const g = this.groups.get(groupId);
    if (g === undefined) return { errorCode: ErrorCode.NONE };
    if (!(g instanceof ClassicGroup)) return { group: g, errorCode: ErrorCode.NONE };
    if (!g.isEmpty()) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    this.log.info({ group: groupId }, 'converting an empty classic group to a consumer group');
    this.dropGroup(g);
    return { errorCode: ErrorCode.NONE };
  }

  /** Creates an empty "simple" classic group (no protocol) to hold offsets committed without group management. */
  simpleGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.classicHost);
    this.groups.set(groupId, group);
    return group;
  }

  /** One queue per group: `fn` starts once every earlier call for the group has settled. */
  run<T>(groupId: string, fn: () => T | Promise<T>): Promise<T> {
    const prev = this.queues.get(groupId) ?? Promise.resolve();
    const result = prev.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(groupId, tail);
    void tail.then(() => {
      if (this.queues.get(groupId) === tail) this.queues.delete(groupId);
    });
    return result;
  }

  // ---- Group operations shared by handlers ----------------------------------------

  /** DeleteGroups for one id: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, or deleted with its offsets. */
  deleteGroup(groupId: string): number {
    const g = this.groups.get(groupId);
    if (!g) return ErrorCode.GROUP_ID_NOT_FOUND;
    const err = g.validateDeleteGroup ? g.validateDeleteGroup() : g.isEmpty() ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP;
    if (err !== ErrorCode.NONE) return err;
    this.offsets.deleteGroup(groupId);
    this.dropGroup(g);
    this.log.info({ group: groupId }, 'deleted group');
    return ErrorCode.NONE;
  }

  /** Kafka's isSubscribedToTopic with the default for groups that do not say. */
  isSubscribedToTopic(group: CoordinatedGroup, topic: string): boolean {
    return group.isSubscribedToTopic ? group.isSubscribedToTopic(topic) : !group.isEmpty();
  }

  /** Removes a group for good: tombstones (classic: GroupMetadata; others: their `deleted` hook), then shutdown. */
  private dropGroup(g: CoordinatedGroup): void {
    if (g instanceof ClassicGroup) {
      this.appendRecords(g.groupId, [{ key: groupMetadataKey(g.groupId), value: null }]);
      g.unload(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    } else {
      g.deleted?.();
    }
    this.groups.delete(g.groupId);
    g.shutdown();
  }

  // ---- Records ------------------------------------------------------------------

  /**
   * `ready()` as a Kafka error code for handlers: NONE, or COORDINATOR_NOT_AVAILABLE
   * (logged) when `__consumer_offsets` cannot be created.
   */
  async readyErrorCode(log: Logger = this.log): Promise<number> {
    try {
      await this.ready();
      return ErrorCode.NONE;
    } catch (err) {
      log.warn({ err }, 'cannot create the offsets topic');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /** Creates `__consumer_offsets` if needed; resolves at once afterwards. */
  ready(): Promise<void> {
    return (this.internalTopic ??= new InternalTopic(this.store, OFFSETS_TOPIC, () => this.config.offsetsTopicNumPartitions, this.log)).ready();
  }

  /** Appends the records as one batch to the group's partition of `__consumer_offsets`. */
  appendRecords(groupId: string, records: readonly OffsetsRecord[]): void {
    if (records.length === 0) return;
    const info = this.store.topic(OFFSETS_TOPIC);
    if (!info) throw new Error(`${OFFSETS_TOPIC} does not exist (call ready() first)`);
    const log = this.store.partition(OFFSETS_TOPIC, partitionFor(groupId, info.numPartitions));
    if (!log) throw new Error(`${OFFSETS_TOPIC} partition missing`);
    log.append(buildRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value })) }));
  }

  onRecord(type: number, handler: RecordHandler): void {
    if (type >= 0 && type <= 2) throw new Error(`record type ${type} belongs to the group coordinator`);
    this.handlers.set(type, handler);
    for (const [k, r] of this.retained) {
      if (r.type !== type) continue;
      this.retained.delete(k);
      handler(r.key, r.value);
    }
  }

  // ---- Lifecycle ------------------------------------------------------------------

  /** Replays `__consumer_offsets` and starts the groups found there. */
  async load(): Promise<void> {
    const t0 = performance.now();
    const loadedGroups = new Map<string, GroupMetadata>();
    let records = 0;
    const info = this.store.topic(OFFSETS_TOPIC);
    if (info) {
      for (let p = 0; p < info.numPartitions; p++) {
        const log = this.store.partition(OFFSETS_TOPIC, p);
        if (log) records += this.replayPartition(log, loadedGroups);
      }
    }
    for (const [groupId, meta] of loadedGroups) {
      const group = new ClassicGroup(groupId, this.classicHost, meta);
      this.groups.set(groupId, group);
      group.onLoaded();
    }
    // Offsets without a group belong to a "simple" group (manual commits without group management).
    for (const groupId of this.offsets.groupIds()) if (!this.groups.has(groupId)) this.simpleGroup(groupId);
    if (records > 0) {
      this.log.info({ records, groups: this.groups.size, ms: Math.round(performance.now() - t0) }, `loaded ${OFFSETS_TOPIC}`);
    }
    this.expiryTimer = setInterval(() => this.expireOffsets(), this.config.offsetsRetentionCheckIntervalMs);
    this.expiryTimer.unref?.();
  }

  private replayPartition(log: PartitionLog, loadedGroups: Map<string, GroupMetadata>): number {
    let count = 0;
    for (const { view, from } of scanBatches(log)) {
      if (view.isTransactional) {
        try {
          this.transactionalReplay?.(log.partition, view.buf);
        } catch (err) {
          this.log.error({ err, topic: OFFSETS_TOPIC, partition: log.partition, offset: String(view.baseOffset) }, 'skipping unreadable transactional batch');
        }
      } else if (!view.isControl) {
        try {
          for (const r of decodeRecords(view.buf)) {
            if (r.offset < from || r.key === null) continue;
            this.replayRecord(r.key, r.value, loadedGroups);
            count++;
          }
        } catch (err) {
          this.log.error({ err, topic: OFFSETS_TOPIC, partition: log.partition, offset: String(view.baseOffset) }, 'skipping unreadable batch');
        }
      }
    }
    return count;
  }

  private replayRecord(key: Buffer, value: Buffer | null, loadedGroups: Map<string, GroupMetadata>): void {
    const rec = decodeOffsetsRecord(key, value);
    if (rec.type === 'offset') {
      this.offsets.apply(rec.group, rec.topic, rec.partition, rec.value);
    } else if (rec.type === 'group') {
      if (rec.value === null) loadedGroups.delete(rec.group);
      else loadedGroups.set(rec.group, rec.value);
    } else {
      const handler = this.handlers.get(rec.keyVersion);
      if (handler) handler(Buffer.from(key), value === null ? null : Buffer.from(value));
      else {
        const k = key.toString('hex');
        if (value === null) this.retained.delete(k);
        else this.retained.set(k, { type: rec.keyVersion, key: Buffer.from(key), value: Buffer.from(value) });
      }
    }
  }

  /** Shutdown has started: answer parked JoinGroup/SyncGroup requests (NOT_COORDINATOR) so connections can drain. */
  unload(): void {
    if (this.unloaded) return;
    this.unloaded = true;
    for (const g of this.groups.values()) if (g instanceof ClassicGroup) g.unload();
  }

  async shutdown(): Promise<void> {
    this.unload();
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    for (const g of this.groups.values()) g.shutdown();
  }

  // ---- Topics ---------------------------------------------------------------------

  onTopicsChanged(listener: () => void): () => void {
    this.topicListeners.add(listener);
    return () => this.topicListeners.delete(listener);
  }

  topicsChanged(): void {
    try {
      if (this.store.topic(OFFSETS_TOPIC)) this.offsets.deleteTopics((t) => this.store.topic(t) === undefined);
    } catch (err) {
      this.log.warn({ err }, 'failed to delete offsets of deleted topics');
    }
    for (const l of this.topicListeners) {
      try {
        l();
      } catch (err) {
        this.log.error({ err }, 'topics-changed listener failed');
      }
    }
  }

  // ---- Offset expiry ------------------------------------------------------------

  /**
   * Kafka's cleanupGroupMetadata: expires offsets past `offsets.retention.minutes`
   * (counted from when the group became empty, or from the commit for simple
   * groups and unsubscribed topics of consumer groups), then deletes empty groups
   * left without offsets.
   */
  expireOffsets(now = Date.now()): void {
    if (this.unloaded || !this.store.topic(OFFSETS_TOPIC)) return;
    const ids = new Set<string>([...this.groups.keys(), ...this.offsets.groupIds()]);
    let expired = 0;
    for (const groupId of ids) {
      try {
        const group = this.groups.get(groupId);
        const gone = this.offsets.partitionsOf(groupId).filter((o) => this.isExpired(group, o.topic, o.value, now));
        expired += this.offsets.delete(groupId, gone);
        if (group && group.isEmpty() && !this.offsets.hasOffsets(groupId) && !this.queues.has(groupId)) {
          this.log.info({ group: groupId }, 'group is empty and has no offsets left; deleting it');
          this.dropGroup(group);
        }
      } catch (err) {
        this.log.warn({ err, group: groupId }, 'offset expiry failed');
      }
    }
    if (expired > 0) this.log.info({ expired }, 'removed expired offsets');
  }

  private isExpired(group: CoordinatedGroup | undefined, topic: string, o: OffsetAndMetadata, now: number): boolean {
    let base: number | null;
    if (group instanceof ClassicGroup) {
      if (group.isSubscribedToTopic(topic)) return false;
      base = group.offsetRetentionBase(o.commitTimestampMs);
    } else if (group) {
      base = this.isSubscribedToTopic(group, topic) ? null : o.commitTimestampMs;
    } else {
      base = o.commitTimestampMs;
    }
    if (base === null) return false;
    if (o.expireTimestampMs !== null) return now >= o.expireTimestampMs;
    return now - base >= this.config.offsetsRetentionMs;
  }
}

/** Kafka's partitionFor: abs(groupId.hashCode) % partitions (Java String.hashCode over UTF-16 units). */
export function partitionFor(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(31, h) + groupId.charCodeAt(i)) | 0;
  // Utils.abs: Integer.MIN_VALUE maps to 0.
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitions;
}
