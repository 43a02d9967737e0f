// A lean Kafka client for the benchmarks: frames are reassembled as lists of
// zero-copy chunk slices (an 8 MiB fetch response is never concatenated), and
// responses are matched to requests by order, as Kafka guarantees per connection.
// The same code talks to the broker and to the baseline servers.
import { connect } from 'node:net';
// Registers every API's schemas with the codec registry.
import '../../dist/wire/messages/index.js';
import { codecFor, isFlexible } from '../../dist/wire/codecs.js';
import { encodeRequestFrame } from '../../dist/wire/header.js';
import { Reader } from '../../dist/wire/reader.js';

/** Splits a byte stream into frame bodies given as lists of slices of the received chunks. */
export class FrameReader {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.need = -1; // bytes still missing from the current body, -1 while reading a prefix
    this.prefix = 0;
    this.prefixGot = 0;
    this.pieces = [];
    this.length = 0;
  }

  push(chunk) {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.need < 0) {
        if (this.prefixGot === 0 && n - off >= 4) {
          this.prefix = chunk.readInt32BE(off);
          off += 4;
          this.prefixGot = 4;
        } else {
          while (this.prefixGot < 4 && off < n) {
            this.prefix = (this.prefix << 8) | chunk[off++];
            this.prefixGot++;
          }
          if (this.prefixGot < 4) return;
        }
        this.need = this.prefix;
        this.length = this.prefix;
        this.prefix = 0;
        this.prefixGot = 0;
        this.pieces = [];
        if (this.need === 0) {
          this.need = -1;
          this.onFrame(this.pieces, 0);
          continue;
        }
      }
      const take = Math.min(this.need, n - off);
      this.pieces.push(take === n && off === 0 ? chunk : chunk.subarray(off, off + take));
      off += take;
      this.need -= take;
      if (this.need === 0) {
        this.need = -1;
        this.onFrame(this.pieces, this.length);
      }
    }
  }
}

/** Copies `n` bytes at `pos` of a frame given as pieces (small reads only: headers). */
export function readRange(pieces, pos, n) {
  const out = Buffer.allocUnsafe(n);
  let filled = 0;
  let base = 0;
  for (const p of pieces) {
    const end = base + p.length;
    if (end > pos + filled && filled < n) {
      const from = pos + filled - base;
      const k = Math.min(p.length - from, n - filled);
      p.copy(out, filled, from, from + k);
      filled += k;
      if (filled === n) break;
    }
    base = end;
  }
  return filled === n ? out : out.subarray(0, filled);
}

export function joinPieces(pieces) {
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

export class BenchConn {
  constructor(socket) {
    this.socket = socket;
    this.waiters = []; // FIFO of (pieces, length) => void
    this.head = 0;
    this.nextCorrelation = 1;
    this.closed = false;
    this.error = null;
    const reader = new FrameReader((pieces, length) => {
      const w = this.waiters[this.head];
      if (w === undefined) {
        this.fail(new Error('unexpected response frame'));
        return;
      }
      this.waiters[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      w(pieces, length);
    });
    socket.on('data', (d) => reader.push(d));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.setNoDelay(true);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new BenchConn(s));
      });
      s.once('error', reject);
    });
  }

  fail(err) {
    if (this.closed) return;
    this.closed = true;
    this.error = err;
    for (let i = this.head; i < this.waiters.length; i++) this.waiters[i]?.(null, -1, err);
    this.waiters = [];
    this.head = 0;
  }

  /** Sends a complete frame; `onResponse(pieces, length, err)` is called with its response. */
  send(frame, onResponse) {
    if (this.closed) {
      onResponse(null, -1, this.error ?? new Error('closed'));
      return;
    }
    this.waiters.push(onResponse);
    this.socket.write(frame);
  }

  /** Encodes a request with the project's codecs and resolves with the decoded response body. */
  request(apiKey, apiVersion, body) {
    const codec = codecFor(apiKey, apiVersion, 'request');
    const frame = encodeRequestFrame(
      { apiKey, apiVersion, correlationId: this.nextCorrelation++, clientId: 'kafkalite-bench' },
      (w) => codec.encode(w, body),
    );
    return new Promise((resolve, reject) => {
      this.send(frame, (pieces, length, err) => {
        if (err) return reject(err);
        try {
          resolve(decodeResponse(apiKey, apiVersion, joinPieces(pieces)));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

/** Decodes a response frame body (correlation id first) with the project's codecs. */
export function decodeResponse(apiKey, apiVersion, buf) {
  const r = new Reader(buf, 4);
  if (apiKey !== 18 && isFlexible(apiKey, apiVersion)) skipTagged(r);
  const decoded = codecFor(apiKey, apiVersion, 'response').decode(r);
  if (r.error) throw new Error(`bad response for api ${apiKey} v${apiVersion}: ${r.error}`);
  return decoded;
}

function skipTagged(r) {
  const n = r.uvarint();
  for (let i = 0; i < n && r.error === null; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

// ---------------------------------------------------------------------------
// Produce

export const PRODUCE_VERSION = 9;

/** A Produce request frame (acks=1, one partition, one batch); its correlation id is patched per send at byte 8. */
export function produceFrame(topic, partition, batch) {
  const codec = codecFor(0, PRODUCE_VERSION, 'request');
  return encodeRequestFrame({ apiKey: 0, apiVersion: PRODUCE_VERSION, correlationId: 0, clientId: 'kafkalite-bench' }, (w) =>
    codec.encode(w, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
    }),
  );
}

/**
 * Sends produce requests with up to `depth` in flight until `count` were sent or
 * `minMs` have passed (whichever comes first; 0 = no limit), reusing a pool of
 * `depth` frame buffers (a buffer is reused only after its response arrived,
 * so the socket is done with it). Resolves with bytes acknowledged and elapsed ms.
 */
export function pipelinedProduce(conn, topic, batch, { count = Infinity, minMs = 0, depth = 16 }) {
  const pool = [];
  for (let i = 0; i < Math.min(depth, count); i++) pool.push(produceFrame(topic, 0, batch));
  let corr = 1;
  let sent = 0;
  let done = 0;
  let bytes = 0;
  let stopSending = false;
  return new Promise((resolve, reject) => {
    let failed = false;
    const t0 = performance.now();
    const pump = () => {
      if (!stopSending && minMs > 0 && performance.now() - t0 >= minMs) stopSending = true;
      while (!stopSending && pool.length > 0 && sent < count) {
        const frame = pool.pop();
        frame.writeInt32BE(corr++, 8);
        sent++;
        conn.send(frame, (pieces, length, err) => {
          if (failed) return;
          if (err) {
            failed = true;
            return reject(err);
          }
          const res = decodeResponse(0, PRODUCE_VERSION, joinPieces(pieces));
          const p = res.responses[0]?.partitionResponses[0];
          if (!p || p.errorCode !== 0) {
            failed = true;
            return reject(new Error(`produce failed: error ${p?.errorCode} ${p?.errorMessage ?? ''}`));
          }
          bytes += frame.length;
          done++;
          pool.push(frame);
          if (done === sent && (stopSending || sent >= count)) resolve({ bytes, ms: performance.now() - t0, requests: done });
          else pump();
        });
      }
    };
    pump();
  });
}

// ---------------------------------------------------------------------------
// Fetch

export const FETCH_VERSION = 12;

export function fetchFrame(correlationId, topic, offset, maxBytes, partitionMaxBytes) {
  const codec = codecFor(1, FETCH_VERSION, 'request');
  return encodeRequestFrame({ apiKey: 1, apiVersion: FETCH_VERSION, correlationId, clientId: 'kafkalite-bench' }, (w) =>
    codec.encode(w, {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    }),
  );
}

/**
 * Parses a Fetch v12 response for one topic/partition without copying the
 * records: the fields before them from a small head copy, then every batch
 * header walked in place. Returns the first base offset, the last offset and
 * the number of whole batches.
 */
export function parseFetchResponse(pieces, length) {
  const head = readRange(pieces, 0, Math.min(length, 512));
  const r = new Reader(head);
  r.int32(); // correlation id
  skipTagged(r);
  r.int32(); // throttle
  const topError = r.int16();
  r.int32(); // session id
  const topics = r.uvarint() - 1;
  if (topError !== 0 || topics !== 1) return { errorCode: topError || -1 };
  r.compactString();
  const partitions = r.uvarint() - 1;
  if (partitions !== 1) return { errorCode: -1 };
  r.int32();
  const errorCode = r.int16();
  const highWatermark = r.int64();
  r.int64(); // last stable offset
  r.int64(); // log start offset
  const aborted = r.uvarint() - 1;
  for (let i = 0; i < aborted; i++) {
    r.int64();
    r.int64();
    skipTagged(r);
  }
  r.int32(); // preferred read replica
  const recordsLength = r.uvarint() - 1;
  if (r.error) throw new Error(`bad fetch response: ${r.error}`);
  let pos = r.pos;
  const end = pos + Math.max(0, recordsLength);
  let firstBase = -1n;
  let lastOffset = -1n;
  let batches = 0;
  while (pos + 61 <= end) {
    const h = readRange(pieces, pos, 27);
    const base = h.readBigInt64BE(0);
    const size = 12 + h.readInt32BE(8);
    if (pos + size > end) break; // partial trailing batch
    if (firstBase < 0n) firstBase = base;
    lastOffset = base + BigInt(h.readInt32BE(23));
    batches++;
    pos += size;
  }
  return { errorCode, highWatermark, firstBase, lastOffset, batches, recordBytes: recordsLength };
}

/**
 * Reads the partition from offset 0 to `endOffset` with one fetch in flight at
 * a time (as a consumer does), each next offset taken from the last batch
 * header; starts over from 0 until at least `minMs` have passed.
 */
export function sequentialFetch(conn, topic, endOffset, maxBytes, partitionMaxBytes, minMs = 0) {
  let corr = 1;
  let offset = 0n;
  let bytes = 0;
  let recordBytes = 0;
  let responses = 0;
  let passes = 0;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const next = () => {
      conn.send(fetchFrame(corr++, topic, offset, maxBytes, partitionMaxBytes), (pieces, length, err) => {
        if (err) return reject(err);
        let res;
        try {
          res = parseFetchResponse(pieces, length);
        } catch (e) {
          return reject(e);
        }
        if (res.errorCode !== 0) return reject(new Error(`fetch failed: error ${res.errorCode}`));
        if (res.batches === 0) return reject(new Error(`fetch at ${offset} returned no batch (hw ${res.highWatermark})`));
        if (res.firstBase > offset) return reject(new Error(`fetch at ${offset} started at ${res.firstBase}`));
        bytes += length + 4;
        recordBytes += res.recordBytes;
        responses++;
        offset = res.lastOffset + 1n;
        if (offset >= endOffset) {
          passes++;
          const ms = performance.now() - t0;
          if (ms >= minMs) return resolve({ bytes, recordBytes, responses, passes, ms });
          offset = 0n;
        }
        next();
      });
    };
    next();
  });
}

// ---------------------------------------------------------------------------
// Small requests for start-up and RSS

export function apiVersionsFrame(correlationId = 1) {
  const codec = codecFor(18, 3, 'request');
  return encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId, clientId: 'kafkalite-bench' }, (w) =>
    codec.encode(w, { clientSoftwareName: 'kafkalite-bench', clientSoftwareVersion: '1.0' }),
  );
}

export function metadataFrame(correlationId = 2) {
  const codec = codecFor(3, 12, 'request');
  return encodeRequestFrame({ apiKey: 3, apiVersion: 12, correlationId, clientId: 'kafkalite-bench' }, (w) =>
    codec.encode(w, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
  );
}
