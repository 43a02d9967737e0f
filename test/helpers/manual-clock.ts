// A clock for coordinator tests: time only moves when the test says so, and
// timers due by then fire in order of their due time (then of scheduling).
import type { GroupClock } from '../../src/coordinator/consumer-group.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements GroupClock {
  private t: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  schedule(ms: number, fn: () => void): () => void {
    const p: Pending = { at: this.t + ms, seq: this.seq++, fn };
    this.pending.add(p);
    return () => this.pending.delete(p);
  }

  /** Number of timers not yet fired or cancelled. */
  get timers(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.pending) if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (!next) break;
      this.pending.delete(next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
