#!/usr/bin/env node
// The throughput baseline: a raw Node loopback server doing the least a broker
// could do with the same traffic, in its own process like the broker.
//  - Produce (api key 0): the frame is skipped as it streams in (never copied
//    or kept) and a pre-encoded ProduceResponse v9 is written back per frame.
//  - Fetch (api key 1): the (small) request is decoded, and a Fetch v12
//    response of exactly the size the broker would send is written from
//    pre-allocated batch buffers (only their baseOffset patched), so the
//    client walks the same batch headers.
// Usage: node bench/pump-server.mjs --port 0 --batches <n in the virtual partition>
import { createServer } from 'node:net';
// Registers every API's schemas with the codec registry (harmless where codecs load them themselves).
import '../dist/wire/messages/index.js';
import { codecFor, encodeResponseFrame } from '../dist/wire/codecs.js';
import { Reader } from '../dist/wire/reader.js';
import { RECORDS_PER_BATCH, batchesPerFetch, makeBatch } from './lib/workload.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const port = Number(arg('port', '0'));
const totalBatches = Number(arg('batches', '256'));

const PRODUCE_RESPONSE = Buffer.concat(
  encodeResponseFrame(0, 9, 0, {
    responses: [
      {
        name: 'bench',
        partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }],
      },
    ],
    throttleTimeMs: 0,
  }),
);

const template = makeBatch();
template.writeInt32BE(0, 12); // partitionLeaderEpoch, as the broker stores it
const BATCH = template.length;
const R = BigInt(RECORDS_PER_BATCH);
const highWatermark = BigInt(totalBatches) * R;
// Two sets of batch buffers, used alternately: a set is patched only after the
// client has received the response written from the other one.
const MAX_PER_FETCH = 64;
const sets = [0, 1].map(() => Array.from({ length: MAX_PER_FETCH }, () => Buffer.from(template)));
let setIdx = 0;
const fetchCodec = codecFor(1, 12, 'request');

function fetchResponse(frame) {
  const r = new Reader(frame, 0);
  r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  r.nullableString();
  for (let i = r.uvarint(); i > 0; i--) {
    r.uvarint();
    r.raw(r.uvarint()); // header tagged fields
  }
  if (apiVersion !== 12) throw new Error(`pump-server: fetch v${apiVersion} not supported`);
  const req = fetchCodec.decode(r);
  const t = req.topics[0];
  const p = t.partitions[0];
  const first = Number(p.fetchOffset / R);
  const limit = Math.min(req.maxBytes, p.partitionMaxBytes);
  const n = first >= totalBatches ? 0 : batchesPerFetch(BATCH, limit, totalBatches - first);
  const set = sets[setIdx];
  setIdx ^= 1;
  const records = [];
  for (let i = 0; i < n; i++) {
    const b = set[i];
    b.writeBigInt64BE(BigInt(first + i) * R, 0);
    records.push(b);
  }
  return encodeResponseFrame(1, 12, correlationId, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: t.topic,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark,
            lastStableOffset: highWatermark,
            logStartOffset: 0n,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: n === 0 ? Buffer.alloc(0) : records,
          },
        ],
      },
    ],
  });
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  // State machine: prefix (4 bytes) → first 8 header bytes → rest of the body.
  let prefix = Buffer.alloc(4);
  let prefixGot = 0;
  let hdr = Buffer.alloc(8);
  let hdrGot = 0;
  let remaining = -1; // body bytes left after the 8 header bytes
  let keep = null; // fetch frames are kept whole
  let keepGot = 0;

  const onFrameDone = () => {
    const apiKey = hdr.readInt16BE(0);
    if (apiKey === 0) {
      const res = Buffer.from(PRODUCE_RESPONSE);
      hdr.copy(res, 4, 4, 8);
      socket.write(res);
    } else if (apiKey === 1) {
      const chunks = fetchResponse(keep);
      socket.cork();
      for (const c of chunks) socket.write(c);
      socket.uncork();
    } else {
      // Anything else (ApiVersions, Metadata...): echo an empty body.
      const res = Buffer.alloc(8);
      res.writeInt32BE(4, 0);
      hdr.copy(res, 4, 4, 8);
      socket.write(res);
    }
    keep = null;
  };

  socket.on('data', (d) => {
    let off = 0;
    while (off < d.length) {
      if (prefixGot < 4) {
        const k = Math.min(4 - prefixGot, d.length - off);
        d.copy(prefix, prefixGot, off, off + k);
        prefixGot += k;
        off += k;
        if (prefixGot < 4) return;
        hdrGot = 0;
        remaining = prefix.readInt32BE(0) - 8;
        if (remaining < 0) throw new Error('pump-server: frame too short');
        continue;
      }
      if (hdrGot < 8) {
        const k = Math.min(8 - hdrGot, d.length - off);
        d.copy(hdr, hdrGot, off, off + k);
        hdrGot += k;
        off += k;
        if (hdrGot < 8) return;
        if (hdr.readInt16BE(0) === 1) {
          keep = Buffer.allocUnsafe(8 + remaining);
          hdr.copy(keep, 0);
          keepGot = 8;
        }
      }
      const k = Math.min(remaining, d.length - off);
      if (keep) {
        d.copy(keep, keepGot, off, off + k);
        keepGot += k;
      }
      off += k;
      remaining -= k;
      if (remaining === 0) {
        onFrameDone();
        prefixGot = 0;
      }
    }
  });
  socket.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`pump ready on 127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
