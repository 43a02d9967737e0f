/**
 * Test helpers: topics and messages created at start-up (`startBroker({
 * topics, seed })`, `--seed fixtures.json`) and `reset()`, which wipes the
 * broker back to that state in milliseconds without a restart.
 *
 * Fixture format (JSON):
 *
 *   { "topics": [
 *       { "name": "orders", "partitions": 3, "configs": { "cleanup.policy": "compact" },
 *         "messages": [
 *           { "key": "o-1", "value": { "total": 12 }, "headers": { "source": "seed" } },
 *           { "partition": 2, "value": "plain text", "timestamp": "2024-01-01T00:00:00Z" },
 *           { "key": "o-1", "value": null } ] } ] }
 *
 * - `partitions` defaults to the broker's `num.partitions`; `configs` are
 *   Kafka topic configs, validated like CreateTopics does.
 * - `value` and `key`: strings are stored as UTF-8, other JSON values as their
 *   JSON text, null as a null value (a tombstone) / no key.
 * - `headers`: an object `{ name: value }` or a list `[{ "key", "value" }]`
 *   (values are strings or null).
 * - `timestamp`: epoch milliseconds or an ISO-8601 string; defaults to now.
 * - `partition`: defaults to Kafka's default partitioner: murmur2 of the key
 *   (the partition a Java or librdkafka producer with the same key picks),
 *   round-robin for messages without a key.
 * - A topic that already exists (a disk broker restarted with the same seed)
 *   is left alone, messages included, so restarts do not duplicate data.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Broker } from '../broker.js';
import { validateTopicConfig } from '../config/topic-configs.js';
import { invalidTopicName } from '../handlers/topic-name.js';
import { buildRecordBatch, type RecordInput } from '../wire/record-batch.js';

export interface TopicSpec {
  name: string;
  /** Defaults to the broker's `numPartitions`. */
  partitions?: number;
  configs?: Record<string, string>;
}

export type FixtureValue = string | number | boolean | null | FixtureValue[] | { [k: string]: FixtureValue };

export interface FixtureMessage {
  partition?: number;
  key?: FixtureValue;
  value: FixtureValue;
  headers?: Record<string, string | null> | { key: string; value: string | null }[];
  /** Epoch milliseconds or an ISO-8601 date. */
  timestamp?: number | string;
}

export interface FixtureTopic extends TopicSpec {
  messages?: FixtureMessage[];
}

export interface Fixtures {
  topics: FixtureTopic[];
}

/** What startBroker was asked to create, kept so reset() can restore it. */
export interface StartupData {
  topics?: readonly TopicSpec[];
  /** A fixtures file path or the fixtures themselves. */
  seed?: string | Fixtures;
}

const RECORDS_PER_BATCH = 1000;

/** Reads and checks a fixtures file (or object); throws with the offending path on errors. */
export function loadFixtures(seed: string | Fixtures): Fixtures {
  let data: unknown = seed;
  if (typeof seed === 'string') {
    const file = resolvePath(seed);
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read fixtures ${file}: ${(err as Error).message}`);
    }
  }
  if (data === null || typeof data !== 'object' || !Array.isArray((data as Fixtures).topics)) {
    throw new Error('fixtures must be an object with a "topics" array');
  }
  return data as Fixtures;
}

/** Creates the topics and appends the messages of `data` (topics that exist are left alone). */
export async function applyStartupData(broker: Broker, data: StartupData): Promise<void> {
  const topics: FixtureTopic[] = [...(data.topics ?? [])];
  if (data.seed !== undefined) topics.push(...loadFixtures(data.seed).topics);
  for (const [i, t] of topics.entries()) {
    const where = `topics[${i}]${typeof t?.name === 'string' ? ` (${t.name})` : ''}`;
    if (t === null || typeof t !== 'object') throw new Error(`${where}: expected an object`);
    const bad = invalidTopicName(t.name ?? null);
    if (bad) throw new Error(`${where}: ${bad}`);
    if (broker.store.topic(t.name)) continue;
    const partitions = t.partitions ?? broker.config.numPartitions;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > broker.config.maxPartitionsPerTopic) {
      throw new Error(`${where}: partitions must be an integer between 1 and ${broker.config.maxPartitionsPerTopic}`);
    }
    const configs = t.configs ?? {};
    for (const [name, value] of Object.entries(configs)) {
      const configError = validateTopicConfig(name, value === null ? null : String(value));
      if (configError) throw new Error(`${where}: ${configError}`);
    }
    await broker.createTopic(t.name, partitions, Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v).trim()])));
    if (t.messages?.length) appendMessages(broker, t.name, partitions, t.messages, where);
  }
}

function appendMessages(broker: Broker, topic: string, partitions: number, messages: readonly FixtureMessage[], where: string): void {
  const byPartition = new Map<number, { record: RecordInput; ts: number }[]>();
  let roundRobin = 0;
  messages.forEach((m, j) => {
    const at = `${where}.messages[${j}]`;
    if (m === null || typeof m !== 'object' || !('value' in m)) throw new Error(`${at}: a message needs a "value" (null for a tombstone)`);
    const key = toBytes(m.key);
    let p: number;
    if (m.partition !== undefined) {
      if (!Number.isInteger(m.partition) || m.partition < 0 || m.partition >= partitions) throw new Error(`${at}: partition ${m.partition} does not exist`);
      p = m.partition;
    } else if (key !== null) {
      p = (murmur2(key) & 0x7fffffff) % partitions;
    } else {
      p = roundRobin++ % partitions;
    }
    const ts = toTimestamp(m.timestamp, at);
    const headers = m.headers === undefined ? [] : Array.isArray(m.headers) ? m.headers : Object.entries(m.headers).map(([k, v]) => ({ key: k, value: v }));
    const record: RecordInput = {
      key,
      value: toBytes(m.value),
      headers: headers.map((h) => ({ key: String(h.key), value: h.value === null || h.value === undefined ? null : Buffer.from(String(h.value), 'utf8') })),
    };
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push({ record, ts });
  });
  for (const [p, list] of byPartition) {
    const log = broker.store.partition(topic, p)!;
    for (let i = 0; i < list.length; i += RECORDS_PER_BATCH) {
      const chunk = list.slice(i, i + RECORDS_PER_BATCH);
      const base = chunk.reduce((min, r) => Math.min(min, r.ts), Infinity);
      log.append(
        buildRecordBatch({
          baseTimestamp: BigInt(base),
          records: chunk.map((r) => ({ ...r.record, timestampDelta: r.ts - base })),
        }),
      );
    }
  }
}

function toBytes(v: FixtureValue | undefined): Buffer | null {
  if (v === undefined || v === null) return null;
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
}

function toTimestamp(t: number | string | undefined, at: string): number {
  if (t === undefined) return Date.now();
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`${at}: invalid timestamp ${String(t)}`);
  return ms;
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as its default partitioner hashes keys. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const len = data.length;
  let h = 0x9747b28c ^ len;
  const len4 = len >>> 2;
  for (let i = 0; i < len4; i++) {
    const o = i * 4;
    let k = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const o = len4 << 2;
  const rest = len & 3;
  if (rest === 3) h ^= data[o + 2]! << 16;
  if (rest >= 2) h ^= data[o + 1]! << 8;
  if (rest >= 1) {
    h ^= data[o]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Wipes topics (internal ones included), consumer groups, committed offsets,
 * fault rules, downed brokers and the recording's entries, runs the
 * `broker.hooks.onReset` listeners (other state: transactions, …), then
 * re-creates the start-up topics and fixtures unless `reseed` is false. Open connections
 * stay open; clients see the topics vanish as after a DeleteTopics.
 */
export async function resetBroker(broker: Broker, startup: StartupData, opts: { reseed?: boolean } = {}): Promise<void> {
  broker.hooks.faults.clear();
  broker.hooks.recording.clear();
  const groups = broker.groups;
  for (const g of groups.allGroups()) groups.removeGroup(g.groupId);
  // In memory only: the offsets topic that would hold tombstones is deleted below.
  for (const groupId of [...groups.offsets.groupIds()]) {
    for (const { topic, partition } of groups.offsets.partitionsOf(groupId)) groups.offsets.apply(groupId, topic, partition, null);
  }
  for (const t of [...broker.store.topics()]) await broker.store.deleteTopic(t.name);
  groups.topicsChanged();
  await broker.hooks.runResetListeners();
  if (opts.reseed !== false) await applyStartupData(broker, startup);
}
