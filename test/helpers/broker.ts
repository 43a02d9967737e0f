// Starts an in-process broker for a test file; closes it afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type BrokerHandle, type StartBrokerOptions } from '../../src/broker.js';

export interface TestBroker extends BrokerHandle {
  /** Data directory (undefined for in-memory brokers). */
  dataDir: string | undefined;
}

/** In-memory by default; pass `{ inMemory: false }` for a temp data dir that is removed on close. */
export async function startTestBroker(opts: StartBrokerOptions = {}): Promise<TestBroker> {
  const inMemory = opts.inMemory ?? true;
  const dataDir = inMemory ? undefined : (opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kafkalite-test-')));
  const handle = await startBroker({ port: 0, logLevel: process.env.KAFKALITE_TEST_LOG ?? 'silent', ...opts, inMemory, ...(dataDir ? { dataDir } : {}) });
  return {
    ...handle,
    dataDir,
    close: async () => {
      await handle.close();
      if (dataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
