// The benchmark workload, shared by the client (bench/run.js) and the baseline
// server (bench/pump-server.mjs) so both sides build byte-identical batches.
import { buildRecordBatch } from '../../dist/wire/record-batch.js';

export const RECORD_BYTES = 1024;
/** 1000 records of 1 KiB ≈ 1.03 MB per batch: just under the default message.max.bytes (1048588). */
export const RECORDS_PER_BATCH = 1000;
export const FIXED_TIMESTAMP = 1_700_000_000_000n;

/** One uncompressed v2 batch of RECORDS_PER_BATCH records with 1 KiB values (deterministic bytes). */
export function makeBatch(recordBytes = RECORD_BYTES, count = RECORDS_PER_BATCH) {
  const value = Buffer.alloc(recordBytes);
  for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
  const records = [];
  for (let i = 0; i < count; i++) records.push({ key: null, value });
  return buildRecordBatch({ records, baseTimestamp: FIXED_TIMESTAMP });
}

/**
 * How many whole batches of `batchSize` bytes a Fetch returns for a byte limit,
 * as the broker does it (KIP-74: at least one).
 */
export function batchesPerFetch(batchSize, limit, available) {
  return Math.max(1, Math.min(available, Math.floor(limit / batchSize)));
}
