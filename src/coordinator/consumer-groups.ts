/**
 * KIP-848 consumer groups on a broker: creates ConsumerGroups in the group
 * coordinator's registry (one namespace with classic groups), persists their
 * records in `__consumer_offsets` through the coordinator, rebuilds them on
 * start-up, and answers ConsumerGroupHeartbeat / ConsumerGroupDescribe.
 *
 * One manager per broker: `consumerGroups(broker)`. The broker calls `load()`
 * once the group coordinator has replayed `__consumer_offsets`.
 */
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import { ErrorCode } from '../wire/error-codes.js';
import { SERVER_ASSIGNORS, type ServerAssignor } from './assignors.js';
import {
  ConsumerGroup,
  DEFAULT_CONSUMER_GROUP_CONFIG,
  JOIN_GROUP_MEMBER_EPOCH,
  errorResponse,
  validateHeartbeatRequest,
  type ConsumerGroupConfig,
  type ConsumerGroupRecord,
  type DescribedConsumerGroup,
  type GroupClock,
  type HeartbeatContext,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type TopicSource,
} from './consumer-group.js';
import { CONSUMER_GROUP_RECORD_TYPES, decodeConsumerGroupRecord, encodeConsumerGroupRecord } from './consumer-group-records.js';
import type { GroupCoordinator } from './group-coordinator.js';

/** Broker settings of consumer groups (Kafka's `group.consumer.*`). */
export interface ConsumerGroupSettings {
  /** `group.consumer.heartbeat.interval.ms` (5000). */
  groupConsumerHeartbeatIntervalMs?: number;
  /** `group.consumer.session.timeout.ms` (45000). */
  groupConsumerSessionTimeoutMs?: number;
  /** `group.consumer.max.size` (Integer.MAX_VALUE). */
  groupConsumerMaxSize?: number;
  /** `group.consumer.assignors`: names of built-in assignors, the first being the default (`uniform,range`). */
  groupConsumerAssignors?: readonly string[];
}

/** What the manager needs from the broker. */
export interface ConsumerGroupHost {
  readonly groups: GroupCoordinator;
  readonly store: TopicSource;
  readonly config: BrokerConfig;
  readonly logger: Logger;
}

export function consumerGroupConfig(c: ConsumerGroupSettings): ConsumerGroupConfig {
  const names = c.groupConsumerAssignors ?? SERVER_ASSIGNORS.map((a) => a.name);
  const assignors = names.map((n) => SERVER_ASSIGNORS.find((a) => a.name === n)).filter((a): a is ServerAssignor => a !== undefined);
  return {
    heartbeatIntervalMs: c.groupConsumerHeartbeatIntervalMs ?? DEFAULT_CONSUMER_GROUP_CONFIG.heartbeatIntervalMs,
    sessionTimeoutMs: c.groupConsumerSessionTimeoutMs ?? DEFAULT_CONSUMER_GROUP_CONFIG.sessionTimeoutMs,
    maxSize: c.groupConsumerMaxSize ?? DEFAULT_CONSUMER_GROUP_CONFIG.maxSize,
    assignors: assignors.length > 0 ? assignors : SERVER_ASSIGNORS,
  };
}

export interface DescribeResult extends DescribedConsumerGroup {
  errorCode: number;
  errorMessage: string | null;
}

export class ConsumerGroupManager {
  readonly config: ConsumerGroupConfig;
  private readonly coordinator: GroupCoordinator;
  private readonly topics: TopicSource;
  private readonly log: Logger;
  private readonly clock: GroupClock | undefined;
  private loaded = false;

  constructor(host: ConsumerGroupHost, opts: { clock?: GroupClock } = {}) {
    this.coordinator = host.groups;
    this.topics = host.store;
    this.log = host.logger.child({ component: 'consumer-groups' });
    this.config = consumerGroupConfig(host.config);
    this.clock = opts.clock;
  }

  /** The consumer group with this id, if there is one (not a classic group). */
  group(groupId: string): ConsumerGroup | undefined {
    const g = this.coordinator.getGroup(groupId);
    return g instanceof ConsumerGroup ? g : undefined;
  }

  private create(groupId: string): ConsumerGroup {
    return new ConsumerGroup(groupId, {
      topics: this.topics,
      config: this.config,
      ...(this.clock ? { clock: this.clock } : {}),
      onRecords: (records) => this.persist(groupId, records),
      onFenced: (memberId, reason) => this.log.info({ group: groupId, member: memberId }, `member fenced because ${reason}`),
    });
  }

  private persist(groupId: string, records: ConsumerGroupRecord[]): void {
    try {
      this.coordinator.appendRecords(groupId, records.map(encodeConsumerGroupRecord));
    } catch (err) {
      this.log.error({ err, group: groupId }, 'failed to persist consumer group records');
    }
  }

  /**
   * Rebuilds the consumer groups found in `__consumer_offsets` (call once, after
   * the coordinator's `load()`), registers them and starts their timers.
   */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const rebuilt = new Map<string, { group: ConsumerGroup; live: boolean }>();
    const onRecord = (key: Buffer, value: Buffer | null): void => {
      let rec: ConsumerGroupRecord;
      try {
        rec = decodeConsumerGroupRecord(key, value);
      } catch (err) {
        this.log.error({ err }, 'skipping unreadable consumer group record');
        return;
      }
      let entry = rebuilt.get(rec.groupId);
      if (!entry) rebuilt.set(rec.groupId, (entry = { group: this.create(rec.groupId), live: false }));
      if (rec.type === 'group-epoch') entry.live = rec.value !== null;
      entry.group.replay(rec);
    };
    for (const type of CONSUMER_GROUP_RECORD_TYPES) this.coordinator.onRecord(type, onRecord);
    for (const [groupId, { group, live }] of rebuilt) {
      if (!live) {
        group.shutdown();
        continue;
      }
      try {
        this.coordinator.registerGroup(group);
      } catch (err) {
        this.log.warn({ err, group: groupId }, 'group id taken by a classic group; dropping the persisted consumer group');
        group.shutdown();
        continue;
      }
      group.onLoaded();
    }
    if (rebuilt.size > 0) this.log.info({ groups: rebuilt.size }, 'loaded consumer groups');
  }

  /** ConsumerGroupHeartbeat, with Kafka's request checks and group-id namespace rules. */
  async heartbeat(groupId: string, req: HeartbeatRequest, ctx: HeartbeatContext & { apiVersion: number }): Promise<HeartbeatResponse> {
    const invalid = validateHeartbeatRequest(groupId, req, ctx.apiVersion, this.config.assignors);
    if (invalid) return errorResponse(invalid.code, invalid.message);
    const setupError = await this.coordinator.readyErrorCode(this.log);
    if (setupError !== ErrorCode.NONE) return errorResponse(setupError, null);
    return this.coordinator.run(groupId, () => {
      const existing = this.coordinator.getGroup(groupId);
      if (existing instanceof ConsumerGroup) return existing.heartbeat(req, ctx);
      // Only a joining member (epoch 0) creates the group (Kafka's getOrMaybeCreateConsumerGroup).
      if (req.memberEpoch !== JOIN_GROUP_MEMBER_EPOCH) {
        return errorResponse(ErrorCode.GROUP_ID_NOT_FOUND, existing ? `Group ${groupId} is not a consumer group.` : `Consumer group ${groupId} not found.`);
      }
      // A non-empty classic group keeps the id (online upgrade is not supported);
      // an empty one is deleted to make room.
      const slot = this.coordinator.consumerGroupSlot(groupId);
      if (slot.errorCode !== ErrorCode.NONE) return errorResponse(slot.errorCode, `Group ${groupId} is not a consumer group.`);
      if (slot.group instanceof ConsumerGroup) return slot.group.heartbeat(req, ctx);
      const group = this.create(groupId);
      const res = group.heartbeat(req, ctx);
      if (res.errorCode === ErrorCode.NONE) this.coordinator.registerGroup(group);
      else group.shutdown();
      return res;
    });
  }

  /** One group of a ConsumerGroupDescribe response (without authorized operations). */
  describe(groupId: string): DescribeResult {
    const empty = { groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
    if (groupId === '') return { ...empty, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: null };
    const g = this.coordinator.getGroup(groupId);
    if (!(g instanceof ConsumerGroup)) {
      const errorMessage = g ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`;
      return { ...empty, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage };
    }
    return { ...g.describe(), errorCode: ErrorCode.NONE, errorMessage: null };
  }
}

const managers = new WeakMap<object, ConsumerGroupManager>();

/** The broker's consumer group manager (created on first use). */
export function consumerGroups(host: ConsumerGroupHost): ConsumerGroupManager {
  let m = managers.get(host);
  if (!m) managers.set(host, (m = new ConsumerGroupManager(host)));
  return m;
}
