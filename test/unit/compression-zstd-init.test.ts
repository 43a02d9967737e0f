// The zstd compressor (@bokuweb/zstd-wasm) re-instantiates its WebAssembly module on every init()
// call; once a second instantiation completes (after init()'s promise has already resolved), every
// compression returns an all-zero frame. codecReady must not call it again when someone else in the
// process already has. Its own file: module state is per test file.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { Codec, codecReady, compress, decompress } from '../../src/wire/compression/index.js';

const require = createRequire(import.meta.url);

it('zstd compresses correctly when another user of the package initialised it first, across memory growth', async () => {
  const wasm = require('@bokuweb/zstd-wasm') as { init(): Promise<void>; compress(b: Uint8Array, level?: number): Uint8Array };
  await wasm.init();
  // The other user compresses something large (the WebAssembly memory grows)...
  const big = Buffer.alloc(8 * 1024 * 1024, 'kafkalite ');
  expect(wasm.compress(big, 1).length).toBeGreaterThan(0);
  // ...then the broker's codec gets ready and compresses: valid frames, before and after more growth.
  await codecReady(Codec.Zstd);
  await new Promise((r) => setTimeout(r, 200)); // a second instantiation, had there been one, is done by now
  for (const data of [Buffer.from('small record section'), Buffer.alloc(16 * 1024 * 1024, 'more '), Buffer.from('small again')]) {
    const frame = compress(Codec.Zstd, data);
    expect(frame.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(decompress(Codec.Zstd, frame).equals(data)).toBe(true);
  }
});
