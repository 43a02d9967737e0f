/**
 * Producer id allocation. Ids are handed out from blocks, as Kafka's
 * ProducerIdManager does: the end of the current block is written (atomically)
 * to `<dataDir>/__kafkalite/producer-ids` before any id of the block is used,
 * so after a restart (clean or not) allocation resumes past every id ever
 * given out and no id is reused. In-memory brokers only count.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export class ProducerIdManager {
  private next = 0n;
  private blockEnd = 0n;

  /** `file` null: nothing is persisted. */
  constructor(
    private readonly file: string | null,
    private readonly blockSize = PRODUCER_ID_BLOCK_SIZE,
  ) {
    if (file && existsSync(file)) {
      const m = /^next\.block\.start=(\d+)$/m.exec(readFileSync(file, 'utf8'));
      if (m) this.next = this.blockEnd = BigInt(m[1]!);
    }
  }

  generate(): bigint {
    if (this.next >= this.blockEnd) this.allocateBlock(this.next);
    return this.next++;
  }

  /** An id known to be in use (e.g. replayed from `__transaction_state`): allocation moves past it. */
  observe(producerId: bigint): void {
    if (producerId < this.next) return;
    this.next = producerId + 1n;
    if (this.next > this.blockEnd) this.allocateBlock(this.next);
  }

  private allocateBlock(start: bigint): void {
    const end = start + this.blockSize;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, `#kafkalite producer id allocation\nnext.block.start=${end}\n`);
      renameSync(tmp, this.file);
    }
    this.blockEnd = end;
  }
}
