/**
 * Zstandard (codec 4, KIP-110; produce v7+ and fetch v10+ only).
 *
 * Node 20 has no zstd in node:zlib, so two packages, both pure JavaScript or
 * WebAssembly shipped in the npm tarball (nothing is built or downloaded at
 * install time):
 *  - decompression: `fzstd` (pure JS, synchronous, no set-up). It handles
 *    frames without a content size (Java clients stream through zstd-jni and
 *    write none), several concatenated frames and skippable frames.
 *  - compression: `@bokuweb/zstd-wasm` (the reference C library compiled to
 *    WebAssembly). Its module compiles asynchronously, once: call `ready()`
 *    (which resolves when it is loaded) before `compress` the first time.
 */
import { lazyModule } from './native.js';

interface FzstdModule {
  decompress(data: Uint8Array): Uint8Array;
}
interface ZstdWasmModule {
  init(): Promise<void>;
  compress(data: Uint8Array, level?: number): Uint8Array;
}

const fzstd = lazyModule<FzstdModule>('fzstd');
const zstdWasm = lazyModule<ZstdWasmModule>('@bokuweb/zstd-wasm');

/** Kafka's default `compression.zstd.level`. */
export const ZSTD_DEFAULT_LEVEL = 3;

let compressor: ZstdWasmModule | null = null;
let loading: Promise<void> | null = null;

/** null when `compress` can run now; otherwise a promise that resolves once it can. */
export function ready(): Promise<void> | null {
  if (compressor) return null;
  loading ??= (async () => {
    const mod = zstdWasm();
    // init() instantiates the module again on every call, and once a second instantiation completes
    // every compression returns an all-zero frame; so call it only when nobody (another user of the
    // package in this process) already has.
    if (!works(mod)) await mod.init();
    compressor = mod;
  })();
  return loading;
}

/** Whether the WebAssembly module is loaded: a one-byte compression yields a zstd frame. */
function works(mod: ZstdWasmModule): boolean {
  try {
    const out = mod.compress(Buffer.from([0]), 1);
    return out.length > 4 && out[0] === 0x28 && out[1] === 0xb5;
  } catch {
    return false;
  }
}

export function decompress(data: Buffer): Buffer {
  const out = fzstd().decompress(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export function compress(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!compressor) throw new CodecNotReadyError('zstd');
  const out = compressor.compress(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export class CodecNotReadyError extends Error {
  constructor(readonly codec: string) {
    super(`${codec} compressor is still loading: await ready() first`);
    this.name = 'CodecNotReadyError';
  }
}
