// Saved results: the `.grain/*.json` files of the first workspace folder (or of the extension's
// global storage when no folder is open). The worker jobs write them (atomically) themselves;
// this lists, reads and deletes them and tells listeners when the folder changed. No `vscode`
// import at run time, so unit tests can list real folders; the FileSystemWatcher that calls
// notifyChanged() is set up by activate().
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readResult, sniffResult, type AnyResult, type ResultHeaderInfo } from '../results/read';

export interface SavedResult extends ResultHeaderInfo {
  path: string;
  /** File name without `.json`. */
  name: string;
  mtimeMs: number;
  size: number;
}

export interface UnreadableResult {
  path: string;
  name: string;
  error: string;
}

export interface ResultListing {
  results: SavedResult[];
  /** `.json` files in the folder that are not Grain results of a version this Grain reads. */
  unreadable: UnreadableResult[];
}

/** Parsed results kept: a few reports and the current probe. */
const PARSED_KEPT = 8;

export class ResultsStore {
  private readonly listeners = new Set<() => void>();
  private readonly parsed = new Map<string, { stamp: string; result: AnyResult }>();

  /**
   * @param dir the `.grain` folder
   * @param inWorkspace false when `dir` is the extension's global storage (no folder open)
   */
  constructor(readonly dir: string, readonly inWorkspace: boolean) {}

  /** Where extracted activations go. */
  get activationsDir(): string {
    return join(this.dir, 'activations');
  }

  /** Creates the folder (and its activations/ subfolder) if needed. */
  ensureDir(): void {
    mkdirSync(this.activationsDir, { recursive: true });
  }

  /** A fresh path `<dir>/<prefix>-<yyyymmdd-hhmmss>.json` (suffixed if taken). */
  newPath(prefix: string, now = new Date()): string {
    const p = (n: number) => String(n).padStart(2, '0');
    const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
    const safe = prefix.replace(/[^\w.-]+/g, '-');
    let path = join(this.dir, `${safe}-${stamp}.json`);
    for (let i = 2; existsSync(path); i++) path = join(this.dir, `${safe}-${stamp}-${i}.json`);
    return path;
  }

  /** Every `.json` file directly in the folder, newest first, sorted into results and unreadable files. */
  list(): ResultListing {
    const out: ResultListing = { results: [], unreadable: [] };
    if (!existsSync(this.dir)) return out;
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.json') || entry.name.startsWith('.')) continue;
      const path = join(this.dir, entry.name);
      const name = entry.name.slice(0, -'.json'.length);
      try {
        const st = statSync(path);
        const head = sniffResult(path);
        if ('error' in head) out.unreadable.push({ path, name, error: head.error });
        else out.results.push({ path, name, mtimeMs: st.mtimeMs, size: st.size, ...head });
      } catch (err) {
        out.unreadable.push({ path, name, error: (err as Error).message });
      }
    }
    out.results.sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
    out.unreadable.sort((a, b) => a.name.localeCompare(b.name));
    return out;
  }

  /** Files under activations/ (extracted activations), newest first. */
  listActivations(): { path: string; name: string; size: number; mtimeMs: number }[] {
    const dir = this.activationsDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.includes('.tmp'))
      .map((e) => {
        const path = join(dir, e.name);
        const st = statSync(path);
        return { path, name: e.name, size: st.size, mtimeMs: st.mtimeMs };
      })
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  }

  /**
   * A result file parsed and checked once (src/results/read.ts) and kept while the file is
   * unchanged: opening a report, making it the current probe and redrawing share one parse.
   * Throws a GrainError naming the file when it is not a result Grain reads.
   */
  read(path: string): AnyResult {
    const st = statSync(path);
    const stamp = `${st.mtimeMs}:${st.size}`;
    const hit = this.parsed.get(path);
    if (hit?.stamp === stamp) return hit.result;
    const result = readResult(path);
    this.parsed.set(path, { stamp, result });
    if (this.parsed.size > PARSED_KEPT) this.parsed.delete(this.parsed.keys().next().value as string);
    return result;
  }

  /** Deletes a result file; only files inside the folder, so a stray path cannot remove anything else. */
  async delete(path: string): Promise<void> {
    const full = resolve(path);
    if (!full.startsWith(resolve(this.dir) + '/') && !full.startsWith(resolve(this.dir) + '\\')) {
      throw new Error(`${path} is not inside ${this.dir}; Grain deletes only its own saved results`);
    }
    await rm(full);
    this.notifyChanged();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Tells listeners the folder changed (called by the file watcher and after writes). */
  notifyChanged(): void {
    for (const l of [...this.listeners]) l();
  }
}
