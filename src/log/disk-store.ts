/**
 * On-disk backend. Layout, as Kafka's:
 *   <dataDir>/__kafkalite/topics.json            topic names, ids, partition counts, configs
 *   <dataDir>/<topic>-<partition>/<base>.log     segments (+ .index, .timeindex)
 * Metadata changes are serialised and durable before they are visible;
 * record appends go through DiskPartitionLog without any await.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { DiskPartitionLog, type RollPolicy } from './disk-partition.js';
import { LogMaintenance, rollPolicyFor, type CompactResult, type LogMaintenanceOptions } from './maintenance.js';
import { TopicRegistry } from './topic-registry.js';
import { checkGrowth, makeTopicInfo, TopicTable, UnknownTopicError, withConfigs, withPartitionCount } from './topic-table.js';
import type { CreateTopicOptions, LogStore, PartitionLog, TopicConfigs, TopicInfo } from './types.js';

export interface DiskLogStoreOptions {
  dataDir: string;
  logger?: Logger;
  /** Used when a topic does not set segment.bytes / segment.ms / index.interval.bytes. */
  defaults?: { segmentBytes?: number; segmentMs?: number; indexIntervalBytes?: number };
  /** Per-partition cache of recent batches for tail fetches (default 1 MiB, 0 disables). */
  tailCacheBytes?: number;
  /** Retention checks and the compaction cleaner (timers start at open()). */
  maintenance?: Partial<LogMaintenanceOptions>;
}

const DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
const DEFAULT_SEGMENT_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_INDEX_INTERVAL_BYTES = 4096;
const DEFAULT_TAIL_CACHE_BYTES = 1024 * 1024;
const META_DIR = '__kafkalite';
const PARTITION_DIR = /^(.+)-(\d+)$/;
const DELETED_DIR = /-delete$/;

export class DiskLogStore implements LogStore {
  readonly dataDir: string;
  private readonly logger: Logger;
  private readonly registry: TopicRegistry;
  private readonly table = new TopicTable<DiskPartitionLog>();
  private readonly defaults: RollPolicy;
  private readonly tailCacheBytes: number;
  /** Retention and compaction: timers, and runRetention()/runCleaner() on demand. */
  readonly maintenance: LogMaintenance;
  /** Tail of the chain of metadata operations; each runs after the previous one settles. */
  private ops: Promise<unknown> = Promise.resolve();

  constructor(opts: DiskLogStoreOptions) {
    this.dataDir = path.resolve(opts.dataDir);
    this.logger = opts.logger ?? pino({ level: 'silent' });
    this.registry = new TopicRegistry(path.join(this.dataDir, META_DIR));
    this.defaults = {
      segmentBytes: opts.defaults?.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      segmentMs: opts.defaults?.segmentMs ?? DEFAULT_SEGMENT_MS,
      indexIntervalBytes: opts.defaults?.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES,
    };
    this.tailCacheBytes = opts.tailCacheBytes ?? DEFAULT_TAIL_CACHE_BYTES;
    this.maintenance = new LogMaintenance(
      { topics: () => this.table.infos(), partitions: (name) => this.table.partitions(name) ?? [] },
      { segmentBytes: this.defaults.segmentBytes, ...opts.maintenance, logger: opts.maintenance?.logger ?? this.logger },
    );
  }

  async open(): Promise<void> {
    await fs.promises.mkdir(this.dataDir, { recursive: true });
    await this.removeDeletedDirs();
    const infos = await this.registry.load();
    const known = new Set<string>();
    for (const raw of infos) {
      const info = makeTopicInfo(raw.name, raw);
      this.table.reserve(info);
      this.table.add(info, this.openPartitions(info, 0, info.numPartitions));
      for (let p = 0; p < info.numPartitions; p++) known.add(`${info.name}-${p}`);
    }
    for (const name of await fs.promises.readdir(this.dataDir)) {
      if (PARTITION_DIR.test(name) && !known.has(name)) {
        this.logger.warn({ dir: path.join(this.dataDir, name) }, 'ignoring partition directory of an unknown topic');
      }
    }
    this.logger.info({ dataDir: this.dataDir, topics: infos.length }, 'log store opened');
    this.maintenance.start();
  }

  async close(): Promise<void> {
    await this.maintenance.stop();
    await this.ops.catch(() => {});
    for (const p of this.table.allPartitions()) p.close();
  }

  topics(): Iterable<TopicInfo> {
    return this.table.infos();
  }
  topic(name: string): TopicInfo | undefined {
    return this.table.info(name);
  }
  topicById(topicId: string): TopicInfo | undefined {
    return this.table.infoById(topicId);
  }
  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.table.partition(topic, partition);
  }

  async createTopic(name: string, opts: CreateTopicOptions): Promise<TopicInfo> {
    const info = makeTopicInfo(name, opts);
    this.table.reserve(info); // before any await, so a concurrent create of the same name fails at once
    return this.serial(async () => {
      let partitions: DiskPartitionLog[] = [];
      try {
        for (let p = 0; p < info.numPartitions; p++) await this.discardDir(this.partitionDir(name, p), 'leftover');
        partitions = this.openPartitions(info, 0, info.numPartitions);
        await this.registry.save([...this.table.infos(), info]);
      } catch (err) {
        this.table.release(name);
        for (const p of partitions) p.close();
        for (const p of partitions) await this.discardDir(p.dir, 'failed create');
        throw err;
      }
      this.table.add(info, partitions);
      return info;
    });
  }

  /** Kafka's order: the directories are renamed to `*-delete` first, then the metadata goes, then the data. */
  deleteTopic(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.table.remove(name);
      if (!entry) return;
      const doomed: string[] = [];
      for (const p of entry.partitions) {
        p.close(false);
        doomed.push(await this.renameForDelete(p.dir));
      }
      await this.registry.save(this.table.infos());
      for (const dir of doomed) await fs.promises.rm(dir, { recursive: true, force: true });
    });
  }

  setTopicConfigs(name: string, configs: TopicConfigs): Promise<void> {
    return this.serial(async () => {
      const info = this.table.info(name);
      if (!info) throw new UnknownTopicError(name);
      const next = withConfigs(info, configs);
      await this.registry.save([...this.table.infos()].map((t) => (t.name === name ? next : t)));
      this.table.update(next);
      const policy = this.policyFor(next);
      for (const p of this.table.partitions(name) ?? []) p.policy = policy;
    });
  }

  createPartitions(name: string, totalCount: number): Promise<TopicInfo> {
    return this.serial(async () => {
      const info = this.table.info(name);
      const existing = this.table.partitions(name);
      if (!info || !existing) throw new UnknownTopicError(name);
      checkGrowth(info, totalCount);
      const next = withPartitionCount(info, totalCount);
      for (let p = existing.length; p < totalCount; p++) await this.discardDir(this.partitionDir(name, p), 'leftover');
      const added = this.openPartitions(next, existing.length, totalCount);
      try {
        await this.registry.save([...this.table.infos()].map((t) => (t.name === name ? next : t)));
      } catch (err) {
        for (const p of added) p.close();
        throw err;
      }
      this.table.update(next, [...existing, ...added]);
      return next;
    });
  }

  /** Deletes the segments retention says must go; returns how many went. */
  runRetention(nowMs?: number): number {
    return this.maintenance.runRetention(nowMs);
  }

  /** Runs the cleaner over every compacted partition that is due (all of them with `force`). */
  runCleaner(opts: { nowMs?: number; force?: boolean } = {}): Promise<CompactResult[]> {
    return this.maintenance.runCleaner(opts);
  }

  /** fsyncs every partition's active segment (clean shutdown, flush policies). */
  flush(): void {
    for (const p of this.table.allPartitions()) p.flush();
  }

  private openPartitions(info: TopicInfo, from: number, to: number): DiskPartitionLog[] {
    const policy = this.policyFor(info);
    const out: DiskPartitionLog[] = [];
    try {
      for (let p = from; p < to; p++) {
        out.push(
          DiskPartitionLog.open(this.partitionDir(info.name, p), info.name, p, {
            logger: this.logger.child({ topic: info.name, partition: p }),
            tailCacheBytes: this.tailCacheBytes,
            policy,
          }),
        );
      }
    } catch (err) {
      // E.g. EMFILE part-way through: release the file handles already opened.
      for (const log of out) log.close();
      throw err;
    }
    return out;
  }

  private policyFor(info: TopicInfo): RollPolicy {
    return rollPolicyFor(info, this.defaults, this.maintenance.defaults);
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.dataDir, `${topic}-${partition}`);
  }

  /** Kafka names it `<topic>-<partition>.<unique id>-delete`; startup removes any left behind by a crash. */
  private async renameForDelete(dir: string): Promise<string> {
    const target = `${dir}.${randomBytes(8).toString('hex')}-delete`;
    await fs.promises.rename(dir, target);
    return target;
  }

  /** Removes a directory that must not be mistaken for live data (e.g. left by a crash during a create). */
  private async discardDir(dir: string, why: string): Promise<void> {
    if (!fs.existsSync(dir)) return;
    this.logger.warn({ dir, why }, 'removing stale partition directory');
    await fs.promises.rm(await this.renameForDelete(dir), { recursive: true, force: true });
  }

  private async removeDeletedDirs(): Promise<void> {
    for (const name of await fs.promises.readdir(this.dataDir)) {
      if (!DELETED_DIR.test(name)) continue;
      this.logger.info({ dir: name }, 'removing deleted partition directory');
      await fs.promises.rm(path.join(this.dataDir, name), { recursive: true, force: true });
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ops.then(fn);
    this.ops = run.catch(() => {});
    return run;
  }
}
