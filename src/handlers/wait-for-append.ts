import type { PartitionLog } from '../log/types.js';

/**
 * Resolves when any of the logs is appended to ('append'), after `ms`
 * ('timeout'), or when one of `stops` aborts ('closed': the broker is shutting
 * down, or the client's connection is gone).
 */
export function waitForAppend(logs: readonly PartitionLog[], ms: number, ...stops: (AbortSignal | undefined)[]): Promise<'append' | 'timeout' | 'closed'> {
  const signals = stops.filter((s): s is AbortSignal => s !== undefined);
  if (signals.some((s) => s.aborted)) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const unsubs: (() => void)[] = [];
    let done = false;
    const finish = (why: 'append' | 'timeout' | 'closed'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onClose);
      for (const u of unsubs) u();
      resolve(why);
    };
    const onClose = (): void => finish('closed');
    const timer = setTimeout(finish, ms, 'timeout');
    for (const s of signals) s.addEventListener('abort', onClose, { once: true });
    const onAppend = (): void => finish('append');
    for (const l of logs) unsubs.push(l.onAppend(onAppend));
  });
}
