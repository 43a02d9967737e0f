/**
 * Creating a coordinator's internal, compacted topic (`__consumer_offsets`,
 * `__transaction_state`) once, even when several requests ask at the same time.
 */
import type { Logger } from 'pino';
import type { LogStore } from '../log/types.js';

export class InternalTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly store: LogStore,
    readonly name: string,
    private readonly numPartitions: () => number,
    private readonly log: Logger,
  ) {}

  /** Resolves once the topic exists; creates it on first use. */
  ready(): Promise<void> {
    if (this.store.topic(this.name)) return Promise.resolve();
    return (this.creating ??= this.create().finally(() => {
      this.creating = null;
    }));
  }

  private async create(): Promise<void> {
    const numPartitions = this.numPartitions();
    try {
      await this.store.createTopic(this.name, { numPartitions, configs: { 'cleanup.policy': 'compact' }, internal: true });
      this.log.info({ partitions: numPartitions }, `created ${this.name}`);
    } catch (err) {
      // Lost a race with another creator: fine as long as the topic is there now.
      if (!this.store.topic(this.name)) throw err;
    }
  }
}
