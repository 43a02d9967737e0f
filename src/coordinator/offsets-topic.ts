/**
 * Record formats of the internal `__consumer_offsets` topic, byte-compatible
 * with Kafka's (group-coordinator/src/main/resources/common/message/*.json):
 *
 *   key   = int16 key version (the record type) + key fields
 *   value = int16 value version + value fields; null value = tombstone
 *
 * Key versions: 0 and 1 are OffsetCommitKey (group, topic, partition), 2 is
 * GroupMetadataKey (group). 3 and above are the KIP-848 consumer-group record
 * types, which this module leaves to whoever registers for them (see
 * GroupCoordinator.onRecord).
 *
 * Written: OffsetCommitKey v1, OffsetCommitValue v3 (v1 when the commit carries
 * an explicit expire timestamp, as Kafka does for OffsetCommit v2-4 retention),
 * GroupMetadataKey v2, GroupMetadataValue v3. Read: every value version 0-4.
 */
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

export const RecordType = {
  OFFSET_COMMIT_V0: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
} as const;

export interface OffsetAndMetadata {
  offset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only for commits with an explicit retention (OffsetCommit v2-4); null otherwise. */
  expireTimestampMs: number | null;
}

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadata {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when unknown (value versions 0-1). */
  currentStateTimestampMs: number;
  members: GroupMetadataMember[];
}

export type OffsetsTopicRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetAndMetadata | null }
  | { type: 'group'; group: string; value: GroupMetadata | null }
  | { type: 'other'; keyVersion: number; key: Buffer; value: Buffer | null };

// ---- Encoding ---------------------------------------------------------------

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const w = new Writer(64);
  w.int16(RecordType.OFFSET_COMMIT);
  w.string(group);
  w.string(topic);
  w.int32(partition);
  return w.toBuffer();
}

export function offsetCommitValue(o: OffsetAndMetadata): Buffer {
  const w = new Writer(64);
  if (o.expireTimestampMs !== null) {
    w.int16(1);
    w.int64(o.offset);
    w.string(o.metadata);
    w.int64(BigInt(o.commitTimestampMs));
    w.int64(BigInt(o.expireTimestampMs));
  } else {
    w.int16(3);
    w.int64(o.offset);
    w.int32(o.leaderEpoch);
    w.string(o.metadata);
    w.int64(BigInt(o.commitTimestampMs));
  }
  return w.toBuffer();
}

export function groupMetadataKey(group: string): Buffer {
  const w = new Writer(32);
  w.int16(RecordType.GROUP_METADATA);
  w.string(group);
  return w.toBuffer();
}

export function groupMetadataValue(g: GroupMetadata): Buffer {
  const w = new Writer(256);
  w.int16(3);
  w.string(g.protocolType);
  w.int32(g.generation);
  w.nullableString(g.protocol);
  w.nullableString(g.leader);
  w.int64(BigInt(g.currentStateTimestampMs));
  w.int32(g.members.length);
  for (const m of g.members) {
    w.string(m.memberId);
    w.nullableString(m.groupInstanceId);
    w.string(m.clientId);
    w.string(m.clientHost);
    w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs);
    w.bytes(m.subscription);
    w.bytes(m.assignment);
  }
  return w.toBuffer();
}

// ---- Decoding ---------------------------------------------------------------

export class OffsetsRecordError extends Error {}

function check(r: Reader, what: string): void {
  if (r.error !== null) throw new OffsetsRecordError(`malformed ${what}: ${r.error}`);
}

/** Decodes one record of `__consumer_offsets`; throws OffsetsRecordError on malformed bytes. */
export function decodeOffsetsRecord(key: Buffer, value: Buffer | null): OffsetsTopicRecord {
  const r = new Reader(key);
  const keyVersion = r.int16();
  check(r, 'record key');
  if (keyVersion === RecordType.OFFSET_COMMIT_V0 || keyVersion === RecordType.OFFSET_COMMIT) {
    const group = r.string();
    const topic = r.string();
    const partition = r.int32();
    check(r, 'OffsetCommitKey');
    return { type: 'offset', group, topic, partition, value: value === null ? null : decodeOffsetCommitValue(value) };
  }
  if (keyVersion === RecordType.GROUP_METADATA) {
    const group = r.string();
    check(r, 'GroupMetadataKey');
    return { type: 'group', group, value: value === null ? null : decodeGroupMetadataValue(value) };
  }
  return { type: 'other', keyVersion, key, value };
}

function str(r: Reader, flexible: boolean): string {
  return flexible ? r.compactString() : r.string();
}
function nstr(r: Reader, flexible: boolean): string | null {
  return flexible ? r.compactNullableString() : r.nullableString();
}
function skipTags(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n && r.error === null; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetAndMetadata {
  const r = new Reader(buf);
  const v = r.int16();
  if (v < 0 || v > 4) throw new OffsetsRecordError(`unknown OffsetCommitValue version ${v}`);
  const flexible = v >= 4;
  const offset = r.int64();
  const leaderEpoch = v >= 3 ? r.int32() : -1;
  const metadata = str(r, flexible);
  const commitTimestampMs = Number(r.int64());
  const expireTimestampMs = v === 1 ? Number(r.int64()) : null;
  if (flexible) skipTags(r);
  check(r, `OffsetCommitValue v${v}`);
  return { offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs: expireTimestampMs === -1 ? null : expireTimestampMs };
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadata {
  const r = new Reader(buf);
  const v = r.int16();
  if (v < 0 || v > 4) throw new OffsetsRecordError(`unknown GroupMetadataValue version ${v}`);
  const flexible = v >= 4;
  const protocolType = str(r, flexible);
  const generation = r.int32();
  const protocol = nstr(r, flexible);
  const leader = nstr(r, flexible);
  const currentStateTimestampMs = v >= 2 ? Number(r.int64()) : -1;
  const count = flexible ? r.compactArrayLength() : r.arrayLength();
  const members: GroupMetadataMember[] = [];
  for (let i = 0; i < count && r.error === null; i++) {
    const memberId = str(r, flexible);
    const groupInstanceId = v >= 3 ? nstr(r, flexible) : null;
    const clientId = str(r, flexible);
    const clientHost = str(r, flexible);
    const rebalanceTimeoutMs = v >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = flexible ? r.compactBytes() : r.bytes();
    const assignment = flexible ? r.compactBytes() : r.bytes();
    if (flexible) skipTags(r);
    members.push({
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      // Kafka: a missing rebalance timeout (v0) is the session timeout.
      rebalanceTimeoutMs: rebalanceTimeoutMs === -1 ? sessionTimeoutMs : rebalanceTimeoutMs,
      sessionTimeoutMs,
      subscription: Buffer.from(subscription),
      assignment: Buffer.from(assignment),
    });
  }
  if (flexible) skipTags(r);
  check(r, `GroupMetadataValue v${v}`);
  return { protocolType, generation, protocol, leader, currentStateTimestampMs, members };
}

// ---- Consumer protocol (ConsumerProtocolSubscription / Assignment) ----------

/**
 * Topics of a consumer-protocol subscription (embedded in JoinGroup metadata
 * when the protocol type is "consumer"). Every version starts with the v0
 * prefix (version int16, topics [string], user data bytes), so reading that
 * prefix is enough, as Kafka's ClassicGroup.computeSubscribedTopics does.
 * Returns null when the bytes do not parse.
 */
export function subscriptionTopics(metadata: Buffer): string[] | null {
  const r = new Reader(metadata);
  const version = r.int16();
  if (r.error !== null || version < 0) return null;
  const n = r.arrayLength();
  const topics: string[] = [];
  for (let i = 0; i < n && r.error === null; i++) topics.push(r.string());
  return r.error === null ? topics : null;
}
