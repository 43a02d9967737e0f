import type { PartitionLog } from '../log/types.js';

/**
 * Resolves when any of the logs is appended to ('append'), after `ms`
 * ('timeout'), or when the broker starts shutting down ('closed').
 */
export function waitForAppend(logs: readonly PartitionLog[], ms: number, closing: AbortSignal): Promise<'append' | 'timeout' | 'closed'> {
  if (closing.aborted) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const unsubs: (() => void)[] = [];
    let done = false;
    const finish = (why: 'append' | 'timeout' | 'closed'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closing.removeEventListener('abort', onClose);
      for (const u of unsubs) u();
      resolve(why);
    };
    const onClose = (): void => finish('closed');
    const timer = setTimeout(finish, ms, 'timeout');
    closing.addEventListener('abort', onClose, { once: true });
    const onAppend = (): void => finish('append');
    for (const l of logs) unsubs.push(l.onAppend(onAppend));
  });
}
