/**
 * Topic bookkeeping shared by both backends: name and id lookup, partition
 * arrays, name validation, topic ids, and the reservation that makes two
 * concurrent createTopic calls for one name fail cleanly.
 */
import { randomBytes } from 'node:crypto';
import type { CreateTopicOptions, TopicConfigs, TopicInfo } from './types.js';

/** Kafka's limit; a partition directory name must also stay under common filesystem limits. */
const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export class TopicExistsError extends Error {
  constructor(readonly topic: string) {
    super(`topic '${topic}' already exists`);
    this.name = 'TopicExistsError';
  }
}

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`topic '${topic}' does not exist`);
    this.name = 'UnknownTopicError';
  }
}

/** Kafka's rules: 1..249 chars of [a-zA-Z0-9._-], not "." or "..". Throws otherwise. */
export function assertValidTopicName(name: string): void {
  if (name.length === 0 || name.length > MAX_TOPIC_NAME_LENGTH || name === '.' || name === '..' || !LEGAL_TOPIC_NAME.test(name)) {
    throw new Error(`invalid topic name '${name}'`);
  }
}

/** A random topic id, avoiding the reserved ids and a leading '-' as Kafka's Uuid.randomUuid does. */
export function newTopicId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (id !== ZERO_UUID && id !== METADATA_TOPIC_ID && !id.startsWith('-')) return id;
  }
}

export function makeTopicInfo(name: string, opts: CreateTopicOptions): TopicInfo {
  assertValidTopicName(name);
  if (!Number.isInteger(opts.numPartitions) || opts.numPartitions < 1) {
    throw new Error(`invalid partition count ${opts.numPartitions} for topic '${name}'`);
  }
  return freezeInfo({
    name,
    topicId: opts.topicId ?? newTopicId(),
    numPartitions: opts.numPartitions,
    configs: { ...(opts.configs ?? {}) },
    internal: opts.internal ?? false,
  });
}

export function withConfigs(info: TopicInfo, configs: TopicConfigs): TopicInfo {
  return freezeInfo({ ...info, configs: { ...configs } });
}

export function withPartitionCount(info: TopicInfo, numPartitions: number): TopicInfo {
  return freezeInfo({ ...info, numPartitions });
}

/** Partition counts only grow (Kafka's CreatePartitions rule). */
export function checkGrowth(info: TopicInfo, totalCount: number): void {
  if (!Number.isInteger(totalCount) || totalCount <= info.numPartitions) {
    throw new Error(`topic '${info.name}' has ${info.numPartitions} partitions; the new count ${totalCount} must be larger`);
  }
}

function freezeInfo(info: TopicInfo): TopicInfo {
  Object.freeze(info.configs);
  return Object.freeze(info);
}

interface Entry<P> {
  info: TopicInfo;
  partitions: P[];
}

export class TopicTable<P> {
  private readonly byName = new Map<string, Entry<P>>();
  private readonly nameById = new Map<string, string>();
  private readonly reserved = new Set<string>();

  /** A snapshot array, so callers may iterate it more than once or while topics change. */
  infos(): TopicInfo[] {
    return Array.from(this.byName.values(), (e) => e.info);
  }
  info(name: string): TopicInfo | undefined {
    return this.byName.get(name)?.info;
  }
  infoById(topicId: string): TopicInfo | undefined {
    const name = this.nameById.get(topicId);
    return name === undefined ? undefined : this.byName.get(name)?.info;
  }
  partitions(name: string): P[] | undefined {
    return this.byName.get(name)?.partitions;
  }
  partition(name: string, index: number): P | undefined {
    return this.byName.get(name)?.partitions[index];
  }
  allPartitions(): IterableIterator<P> {
    return flatIter(this.byName.values());
  }

  /** Claims a name for a topic being created; throws if it exists or is being created. */
  reserve(info: TopicInfo): void {
    if (this.byName.has(info.name) || this.reserved.has(info.name)) throw new TopicExistsError(info.name);
    if (this.nameById.has(info.topicId)) throw new Error(`topic id ${info.topicId} is already in use`);
    this.reserved.add(info.name);
  }
  release(name: string): void {
    this.reserved.delete(name);
  }

  add(info: TopicInfo, partitions: P[]): void {
    this.reserved.delete(info.name);
    this.byName.set(info.name, { info, partitions });
    this.nameById.set(info.topicId, info.name);
  }

  /** Replaces the metadata of an existing topic (same name and id), optionally with more partitions. */
  update(info: TopicInfo, partitions?: P[]): void {
    const e = this.byName.get(info.name);
    if (!e) throw new UnknownTopicError(info.name);
    e.info = info;
    if (partitions) e.partitions = partitions;
  }

  remove(name: string): Entry<P> | undefined {
    const e = this.byName.get(name);
    if (!e) return undefined;
    this.byName.delete(name);
    this.nameById.delete(e.info.topicId);
    return e;
  }
}

function* flatIter<P>(entries: Iterable<Entry<P>>): IterableIterator<P> {
  for (const e of entries) yield* e.partitions;
}
