import { describe, expect, it } from 'vitest';
import { codecFor } from '../../src/wire/codecs.js';
import { API_SCHEMAS } from '../../src/wire/messages/index.js';
import { Reader } from '../../src/wire/reader.js';
import { parseRange } from '../../src/wire/schema.js';
import { Writer } from '../../src/wire/writer.js';
import { sampleMessage } from '../helpers/sample.js';

// Every API × version × direction: encode a sample, decode it, re-encode: the bytes must match,
// and the decoder must consume exactly the bytes the encoder wrote.
describe('every message and version round-trips', () => {
  for (const [key, api] of API_SCHEMAS) {
    const range = parseRange(api.request.validVersions)!;
    it(`${api.name} (key ${key}) v${range.min}-${range.max}`, () => {
      for (let v = range.min; v <= range.max; v++) {
        for (const dir of ['request', 'response'] as const) {
          const codec = codecFor(key, v, dir)!;
          expect(codec, `${api.name} v${v} ${dir}`).toBeTruthy();
          for (let seed = 1; seed <= 5; seed++) {
            const value = sampleMessage(api[dir], v, seed * 7919 + v);
            const w = new Writer();
            codec.encode(w, value);
            const bytes = w.toBuffer();
            expect(w.length).toBe(bytes.length);
            const r = new Reader(bytes);
            const decoded = codec.decode(r);
            expect(r.error, `${api.name} v${v} ${dir} seed ${seed}`).toBeNull();
            expect(r.pos).toBe(bytes.length);
            const w2 = new Writer();
            codec.encode(w2, decoded);
            expect(w2.toBuffer().equals(bytes), `${api.name} v${v} ${dir} re-encode`).toBe(true);
          }
        }
      }
    });
  }
});

describe('truncated frames give typed errors, never exceptions', () => {
  for (const [key, api] of API_SCHEMAS) {
    it(`${api.name}`, () => {
      const range = parseRange(api.request.validVersions)!;
      for (let v = range.min; v <= range.max; v++) {
        const codec = codecFor(key, v, 'request')!;
        const w = new Writer();
        codec.encode(w, sampleMessage(api.request, v, 42 + v));
        const bytes = w.toBuffer();
        for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 17))) {
          const r = new Reader(bytes.subarray(0, cut));
          expect(() => codec.decode(r)).not.toThrow();
          // A cut frame either fails to decode or (when the cut falls after all required content) decodes short.
          if (r.error === null) expect(r.pos).toBe(cut);
        }
      }
    });
  }
});
