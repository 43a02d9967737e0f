/**
 * KIP-848 consumer group records of `__consumer_offsets`, in Kafka's layout
 * (group-coordinator/src/main/resources/common/message/ConsumerGroup*.json):
 *
 *   key   = int16 record type + non-flexible key fields (GroupId[, MemberId])
 *   value = int16 version (0) + flexible value fields + tagged fields; null = tombstone
 *
 *   3  ConsumerGroupMetadata                 Epoch, tagged MetadataHash (tag 0)
 *   5  ConsumerGroupMemberMetadata           InstanceId, RackId, ClientId, ClientHost,
 *                                            SubscribedTopicNames, SubscribedTopicRegex,
 *                                            RebalanceTimeoutMs, ServerAssignor
 *   6  ConsumerGroupTargetAssignmentMetadata AssignmentEpoch
 *   7  ConsumerGroupTargetAssignmentMember   TopicPartitions [TopicId, Partitions]
 *   8  ConsumerGroupCurrentMemberAssignment  MemberEpoch, PreviousMemberEpoch, State,
 *                                            AssignedPartitions, PartitionsPendingRevocation
 *
 * Type 4 (subscription metadata) is not written: like Kafka 4.1 the group keeps a
 * hash of its subscribed topics' metadata in the group record instead.
 */
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import type { Assignment } from './assignors.js';
import { MEMBER_STATE_CODES, type ConsumerGroupRecord, type MemberState } from './consumer-group.js';
import type { OffsetsRecord } from './offset-store.js';

export const ConsumerGroupRecordType = {
  GROUP_METADATA: 3,
  PARTITION_METADATA: 4,
  MEMBER_METADATA: 5,
  TARGET_ASSIGNMENT_METADATA: 6,
  TARGET_ASSIGNMENT_MEMBER: 7,
  CURRENT_MEMBER_ASSIGNMENT: 8,
} as const;

/** The record types this module reads back. */
export const CONSUMER_GROUP_RECORD_TYPES: readonly number[] = [3, 5, 6, 7, 8];

const STATES_BY_CODE = new Map<number, MemberState>(Object.entries(MEMBER_STATE_CODES).map(([k, v]) => [v, k as MemberState]));

export class ConsumerGroupRecordError extends Error {}

function key(type: number, groupId: string, memberId?: string): Buffer {
  const w = new Writer(64);
  w.int16(type);
  w.string(groupId);
  if (memberId !== undefined) w.string(memberId);
  return w.toBuffer();
}

function writeTopicPartitions(w: Writer, a: Assignment): void {
  const topics = [...a].filter(([, ps]) => ps.size > 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  w.uvarint(topics.length + 1);
  for (const [topicId, ps] of topics) {
    w.uuid(topicId);
    const sorted = [...ps].sort((x, y) => x - y);
    w.uvarint(sorted.length + 1);
    for (const p of sorted) w.int32(p);
    w.uvarint(0); // tagged fields
  }
}

function readTopicPartitions(r: Reader): Assignment {
  const out = new Map<string, Set<number>>();
  const n = r.compactArrayLength();
  for (let i = 0; i < n && r.error === null; i++) {
    const topicId = r.uuid();
    const m = r.compactArrayLength();
    const ps = new Set<number>();
    for (let j = 0; j < m && r.error === null; j++) ps.add(r.int32());
    skipTags(r);
    if (ps.size > 0) out.set(topicId, ps);
  }
  return out;
}

function skipTags(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n && r.error === null; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

/** Encodes one record as `__consumer_offsets` key/value bytes. */
export function encodeConsumerGroupRecord(rec: ConsumerGroupRecord): OffsetsRecord {
  switch (rec.type) {
    case 'group-epoch': {
      const k = key(ConsumerGroupRecordType.GROUP_METADATA, rec.groupId);
      if (rec.value === null) return { key: k, value: null };
      const w = new Writer(32);
      w.int16(0);
      w.int32(rec.value.epoch);
      if (rec.value.metadataHash !== 0n) {
        w.uvarint(1); // one tagged field: MetadataHash (tag 0), 8 bytes
        w.uvarint(0);
        w.uvarint(8);
        w.int64(BigInt.asIntN(64, rec.value.metadataHash));
      } else {
        w.uvarint(0);
      }
      return { key: k, value: w.toBuffer() };
    }
    case 'member-metadata': {
      const k = key(ConsumerGroupRecordType.MEMBER_METADATA, rec.groupId, rec.memberId);
      if (rec.value === null) return { key: k, value: null };
      const v = rec.value;
      const w = new Writer(128);
      w.int16(0);
      w.compactNullableString(v.instanceId);
      w.compactNullableString(v.rackId);
      w.compactString(v.clientId);
      w.compactString(v.clientHost);
      w.uvarint(v.subscribedTopicNames.length + 1);
      for (const t of v.subscribedTopicNames) w.compactString(t);
      w.compactNullableString(v.subscribedTopicRegex);
      w.int32(v.rebalanceTimeoutMs);
      w.compactNullableString(v.serverAssignor);
      w.uvarint(0);
      return { key: k, value: w.toBuffer() };
    }
    case 'target-assignment-epoch': {
      const k = key(ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA, rec.groupId);
      if (rec.value === null) return { key: k, value: null };
      const w = new Writer(16);
      w.int16(0);
      w.int32(rec.value.assignmentEpoch);
      w.uvarint(0);
      return { key: k, value: w.toBuffer() };
    }
    case 'target-assignment-member': {
      const k = key(ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER, rec.groupId, rec.memberId);
      if (rec.value === null) return { key: k, value: null };
      const w = new Writer(64);
      w.int16(0);
      writeTopicPartitions(w, rec.value.partitions);
      w.uvarint(0);
      return { key: k, value: w.toBuffer() };
    }
    case 'current-assignment': {
      const k = key(ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT, rec.groupId, rec.memberId);
      if (rec.value === null) return { key: k, value: null };
      const v = rec.value;
      const w = new Writer(64);
      w.int16(0);
      w.int32(v.memberEpoch);
      w.int32(v.previousMemberEpoch);
      w.int8(MEMBER_STATE_CODES[v.state]);
      writeTopicPartitions(w, v.assignedPartitions);
      writeTopicPartitions(w, v.partitionsPendingRevocation);
      w.uvarint(0);
      return { key: k, value: w.toBuffer() };
    }
  }
}

function check(r: Reader, what: string): void {
  if (r.error !== null) throw new ConsumerGroupRecordError(`malformed ${what}: ${r.error}`);
}

function valueReader(value: Buffer, what: string): Reader {
  const r = new Reader(value);
  const version = r.int16();
  check(r, what);
  if (version !== 0) throw new ConsumerGroupRecordError(`unknown ${what} version ${version}`);
  return r;
}

/** Decodes a record of types 3, 5, 6, 7 or 8; throws ConsumerGroupRecordError on malformed bytes or other types. */
export function decodeConsumerGroupRecord(keyBytes: Buffer, value: Buffer | null): ConsumerGroupRecord {
  const kr = new Reader(keyBytes);
  const type = kr.int16();
  const groupId = kr.string();
  check(kr, 'record key');
  switch (type) {
    case ConsumerGroupRecordType.GROUP_METADATA: {
      if (value === null) return { type: 'group-epoch', groupId, value: null };
      const r = valueReader(value, 'ConsumerGroupMetadataValue');
      const epoch = r.int32();
      let metadataHash = 0n;
      const tags = r.uvarint();
      for (let i = 0; i < tags && r.error === null; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        if (tag === 0 && size === 8) metadataHash = r.int64();
        else r.raw(size);
      }
      check(r, 'ConsumerGroupMetadataValue');
      return { type: 'group-epoch', groupId, value: { epoch, metadataHash } };
    }
    case ConsumerGroupRecordType.MEMBER_METADATA: {
      const memberId = kr.string();
      check(kr, 'ConsumerGroupMemberMetadataKey');
      if (value === null) return { type: 'member-metadata', groupId, memberId, value: null };
      const r = valueReader(value, 'ConsumerGroupMemberMetadataValue');
      const instanceId = r.compactNullableString();
      const rackId = r.compactNullableString();
      const clientId = r.compactString();
      const clientHost = r.compactString();
      const n = r.compactArrayLength();
      const subscribedTopicNames: string[] = [];
      for (let i = 0; i < n && r.error === null; i++) subscribedTopicNames.push(r.compactString());
      const subscribedTopicRegex = r.compactNullableString();
      const rebalanceTimeoutMs = r.int32();
      const serverAssignor = r.compactNullableString();
      skipTags(r);
      check(r, 'ConsumerGroupMemberMetadataValue');
      return {
        type: 'member-metadata',
        groupId,
        memberId,
        value: { instanceId, rackId, clientId, clientHost, subscribedTopicNames, subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor },
      };
    }
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA: {
      if (value === null) return { type: 'target-assignment-epoch', groupId, value: null };
      const r = valueReader(value, 'ConsumerGroupTargetAssignmentMetadataValue');
      const assignmentEpoch = r.int32();
      skipTags(r);
      check(r, 'ConsumerGroupTargetAssignmentMetadataValue');
      return { type: 'target-assignment-epoch', groupId, value: { assignmentEpoch } };
    }
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER: {
      const memberId = kr.string();
      check(kr, 'ConsumerGroupTargetAssignmentMemberKey');
      if (value === null) return { type: 'target-assignment-member', groupId, memberId, value: null };
      const r = valueReader(value, 'ConsumerGroupTargetAssignmentMemberValue');
      const partitions = readTopicPartitions(r);
      skipTags(r);
      check(r, 'ConsumerGroupTargetAssignmentMemberValue');
      return { type: 'target-assignment-member', groupId, memberId, value: { partitions } };
    }
    case ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT: {
      const memberId = kr.string();
      check(kr, 'ConsumerGroupCurrentMemberAssignmentKey');
      if (value === null) return { type: 'current-assignment', groupId, memberId, value: null };
      const r = valueReader(value, 'ConsumerGroupCurrentMemberAssignmentValue');
      const memberEpoch = r.int32();
      const previousMemberEpoch = r.int32();
      const stateCode = r.int8();
      const assignedPartitions = readTopicPartitions(r);
      const partitionsPendingRevocation = readTopicPartitions(r);
      skipTags(r);
      check(r, 'ConsumerGroupCurrentMemberAssignmentValue');
      // An unknown state: reconcile from scratch, as Kafka does with MemberState.UNKNOWN.
      const state = STATES_BY_CODE.get(stateCode) ?? 'STABLE';
      return { type: 'current-assignment', groupId, memberId, value: { memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation } };
    }
    default:
      throw new ConsumerGroupRecordError(`record type ${type} is not a consumer group record`);
  }
}
