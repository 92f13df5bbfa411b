import { closeSync, fdatasync, openSync } from 'node:fs';

/** Data written between early flushes. */
const EVERY_BYTES = 8 << 20;

/**
 * Flushes a file that is being written to disk in the background, every 8 MiB written, while
 * the writer goes on. A file must be flushed before it is renamed to its final name, and
 * without this the rename waited for the whole file. Each flush runs on libuv's thread pool, on
 * a descriptor of its own that it closes when it ends, so the writer may close or remove the
 * file at any time. Outcomes are ignored: the flush before the rename is the one that decides.
 */
export class EarlyFlush {
  private unsynced = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  /** Counts bytes just written; starts a flush when enough are waiting and none is running. */
  wrote(bytes: number): void {
    this.unsynced += bytes;
    if (this.unsynced >= EVERY_BYTES && !this.running) this.start();
  }

  /** Resolves once no flush is running: await it before the final flush. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private start(): void {
    this.unsynced = 0;
    let fd: number;
    try {
      fd = openSync(this.path, 'r+');
    } catch {
      return;
    }
    this.running = new Promise((resolve) => {
      fdatasync(fd, () => {
        try {
          closeSync(fd);
        } catch {
          // nothing was written through it
        }
        this.running = undefined;
        resolve();
      });
    });
  }
}
