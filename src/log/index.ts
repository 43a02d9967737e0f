/** The log store: pick a backend, re-export the contract. */
import type { Logger } from 'pino';
import { DiskLogStore } from './disk-store.js';
import type { LogMaintenanceOptions } from './maintenance.js';
import { MemoryLogStore } from './memory-store.js';
import type { LogStore } from './types.js';

export interface CreateLogStoreOptions {
  /** Required unless inMemory. */
  dataDir?: string;
  inMemory?: boolean;
  logger?: Logger;
  defaults?: { segmentBytes?: number; segmentMs?: number; indexIntervalBytes?: number };
  /** Disk backend: bytes of recent batches cached per partition for tail fetches (default 1 MiB, 0 disables). */
  tailCacheBytes?: number;
  /** Retention and compaction (intervals, broker-level defaults, dedupe buffer). */
  maintenance?: Partial<LogMaintenanceOptions>;
}

export function createLogStore(opts: CreateLogStoreOptions): LogStore {
  if (opts.inMemory) {
    return new MemoryLogStore({
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.defaults ? { defaults: opts.defaults } : {}),
      ...(opts.maintenance ? { maintenance: opts.maintenance } : {}),
    });
  }
  if (!opts.dataDir) throw new Error('createLogStore: dataDir is required unless inMemory is set');
  return new DiskLogStore({
    dataDir: opts.dataDir,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.defaults ? { defaults: opts.defaults } : {}),
    ...(opts.tailCacheBytes !== undefined ? { tailCacheBytes: opts.tailCacheBytes } : {}),
    ...(opts.maintenance ? { maintenance: opts.maintenance } : {}),
  });
}

export type * from './types.js';
export { DiskLogStore, type DiskLogStoreOptions } from './disk-store.js';
export { MemoryLogStore, MemoryPartitionLog } from './memory-store.js';
export { LogMaintenance, type LogMaintenanceOptions, type CompactResult } from './maintenance.js';
export { isCompacted, logPolicy, type LogDefaults, type LogPolicy } from './log-config.js';
export { TopicExistsError, UnknownTopicError, assertValidTopicName, newTopicId } from './topic-table.js';
