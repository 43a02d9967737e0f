/**
 * Durable topic metadata: `<dataDir>/__kafkalite/topics.json`, replaced
 * atomically (temp file, fsync, rename, fsync dir) on every change, so a
 * crash leaves either the old or the new list, never a mix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './file-io.js';
import type { TopicInfo } from './types.js';

const FORMAT_VERSION = 1;

interface RegistryFile {
  version: number;
  topics: TopicInfo[];
}

export class TopicRegistry {
  readonly file: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'topics.json');
  }

  async load(): Promise<TopicInfo[]> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = JSON.parse(text) as RegistryFile;
    if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.topics)) {
      throw new Error(`${this.file}: unsupported topic registry format`);
    }
    return parsed.topics.map((t) => {
      if (typeof t.name !== 'string' || typeof t.topicId !== 'string' || !Number.isInteger(t.numPartitions)) {
        throw new Error(`${this.file}: malformed topic entry ${JSON.stringify(t)}`);
      }
      return { name: t.name, topicId: t.topicId, numPartitions: t.numPartitions, configs: { ...t.configs }, internal: t.internal === true };
    });
  }

  /** Persists the full list; writes are serialised so an older list never lands after a newer one. */
  save(topics: Iterable<TopicInfo>): Promise<void> {
    const body: RegistryFile = { version: FORMAT_VERSION, topics: [...topics] };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    const run = this.queue.then(() => writeFileAtomic(this.file, text));
    this.queue = run.catch(() => {});
    return run;
  }
}
