/** The onAppend subscriptions of one partition (long-poll fetches waiting for data). */
export class AppendListeners {
  private readonly set = new Set<() => void>();

  add(listener: () => void): () => void {
    // Wrap so the same function can subscribe twice and each unsubscribe removes only its own entry.
    const entry = (): void => listener();
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  /** Calls every listener; one that throws must not fail an append whose data is already stored. */
  notify(onError: (err: unknown) => void): void {
    for (const listener of this.set) {
      try {
        listener();
      } catch (err) {
        onError(err);
      }
    }
  }
}
