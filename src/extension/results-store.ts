// Saved results: the `.grain/*.json` files of the first workspace folder (or of the extension's
// global storage when no folder is open). The worker jobs write them (atomically) themselves;
// this lists, reads and deletes them and tells listeners when the folder changed. No `vscode`
// import at run time, so unit tests can list real folders; the FileSystemWatcher that calls
// notifyChanged() is set up by activate().
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { resultKind, type ResultKind } from '../shared/results';

export interface SavedResult {
  path: string;
  /** File name without `.json`. */
  name: string;
  kind: ResultKind;
  createdAt?: string;
  mtimeMs: number;
  size: number;
  /** Model folder(s) the result is about, when the file says. */
  models: string[];
  /** Labelled data files (probe and experiments results), when the file says. */
  data: string[];
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

/** Result files above this size are sniffed from their first bytes only (the header fields come first). */
const SNIFF_BYTES = 64 * 1024;

export class ResultsStore {
  private readonly listeners = new Set<() => void>();

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
        const head = sniff(path, st.size);
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

  /** Parses and checks a result file; throws an Error naming the file when it is not one. */
  async read<T = unknown>(path: string): Promise<{ kind: ResultKind; value: T }> {
    const text = await readFile(path, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`${path} is not valid JSON (${(err as Error).message})`);
    }
    const kind = resultKind(value);
    if ('error' in kind) throw new Error(`${path}: ${kind.error}`);
    return { kind: kind.kind, value: value as T };
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

/** Header fields of a result file: schema check, createdAt, models and data files. */
function sniff(path: string, size: number): Omit<SavedResult, 'path' | 'name' | 'mtimeMs' | 'size'> | { error: string } {
  let value: Record<string, unknown>;
  if (size <= SNIFF_BYTES) {
    const text = readHead(path, size);
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      return { error: `not valid JSON (${(err as Error).message})` };
    }
  } else {
    // Big results (probe weights, correlation matrices): the header fields are written first, so
    // the first bytes hold them; pick them out without parsing megabytes on the host thread.
    value = headerFields(readHead(path, SNIFF_BYTES));
  }
  const kind = resultKind(value);
  if ('error' in kind) return { error: kind.error };
  const models: string[] = [];
  const data: string[] = [];
  const source = value.source as { model?: unknown } | undefined;
  if (typeof source?.model === 'string') models.push(source.model);
  if (typeof value.model === 'string') models.push(value.model);
  if (Array.isArray(value.models)) models.push(...value.models.filter((m): m is string => typeof m === 'string'));
  const d = value.data as { train?: unknown; test?: unknown } | undefined;
  for (const f of [d?.train, d?.test]) if (typeof f === 'string' && !data.includes(f)) data.push(f);
  return { kind: kind.kind, createdAt: typeof value.createdAt === 'string' ? value.createdAt : undefined, models, data };
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Top-level string/number fields and the few nested ones the listing shows, from a JSON prefix. */
export function headerFields(prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const str = (key: string) => new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(prefix);
  const unquote = (s: string) => JSON.parse(`"${s}"`) as string;
  const schema = str('schema');
  if (schema) out.schema = unquote(schema[1]!);
  const version = /"version"\s*:\s*(\d+)/.exec(prefix);
  if (version) out.version = Number(version[1]);
  const created = str('createdAt');
  if (created) out.createdAt = unquote(created[1]!);
  const model = str('model');
  if (model) out.model = unquote(model[1]!);
  const models = /"models"\s*:\s*(\[[^\]]*\])/.exec(prefix);
  if (models) {
    try {
      out.models = JSON.parse(models[1]!);
    } catch {
      // a truncated list: leave it out
    }
  }
  const train = str('train');
  const test = str('test');
  if (train || test) out.data = { train: train ? unquote(train[1]!) : undefined, test: test ? unquote(test[1]!) : undefined };
  return out;
}
