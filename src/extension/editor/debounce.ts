// One pending call per key (a document's URI): a newer schedule for the key replaces the older,
// so a burst of edits or scrolls runs the work once, after the last.

export class KeyedDebounce {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  schedule(key: string, delay: number, run: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run();
      }, delay),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
