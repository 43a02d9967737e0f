/**
 * Codec packages are loaded on first use, not at start-up: a broker that never
 * sees a compressed batch it must look into never pays for loading them
 * (tens of milliseconds for the native ones). `createRequire` keeps them
 * outside the CLI bundle too: they are resolved from node_modules at run time.
 */
import { createRequire } from 'node:module';

const nodeRequire = createRequire(import.meta.url);

/** Loads a CommonJS package (or a Node builtin) once; later calls return the cached module. */
export function lazyModule<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= nodeRequire(name) as T);
}
