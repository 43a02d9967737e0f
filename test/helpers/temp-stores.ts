// Temp directories and log stores a test file opens, closed and removed after each test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { LogStore } from '../../src/log/types.js';

/** Registers the afterEach cleanup; returns `tempDir()` and the list to push opened stores onto. */
export function tempStores(prefix: string): { tempDir: () => string; opened: LogStore[] } {
  const tempDirs: string[] = [];
  const opened: LogStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    opened,
    tempDir: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      tempDirs.push(dir);
      return dir;
    },
  };
}
