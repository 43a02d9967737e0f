/**
 * DescribeLogDirs: one log directory (the data dir) holding every partition,
 * with each partition's size in bytes; v4 adds the volume's total and usable
 * bytes (statfs). An in-memory broker reports its data dir name with unknown
 * (-1) volume sizes. `topics` null means every partition.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../wire/error-codes.js';
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../wire/messages/describe-log-dirs.js';
import { defineHandler } from './handler.js';

export const describeLogDirs = defineHandler(DescribeLogDirsRequest, DescribeLogDirsResponse, { min: 0, max: 4 }, (req, ctx) => {
  const { broker } = ctx;
  const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
  const topics = [];
  for (const info of broker.store.topics()) {
    const only = wanted?.get(info.name);
    if (wanted && !only) continue;
    const partitions = [];
    for (let p = 0; p < info.numPartitions; p++) {
      if (only && !only.has(p)) continue;
      const log = broker.store.partition(info.name, p);
      if (!log) continue;
      partitions.push({ partitionIndex: p, partitionSize: BigInt(log.sizeBytes), offsetLag: 0n, isFutureKey: false });
    }
    if (partitions.length > 0) topics.push({ name: info.name, partitions });
  }
  const dir = path.resolve(broker.config.dataDir);
  const { totalBytes, usableBytes } = broker.config.inMemory ? { totalBytes: -1n, usableBytes: -1n } : volume(dir);
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    results: [{ errorCode: ErrorCode.NONE, logDir: dir, topics, totalBytes, usableBytes }],
  };
});

function volume(dir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const s = fs.statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}
