import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Every temporary path Grain makes carries its process id and is registered here: it is removed
 * when disposed, whatever is still registered is removed when the process exits (normally or
 * through a handled signal), and a later run removes what a killed process left (its pid gone).
 */
const live = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAllTemporaries);
}

export function removeAllTemporaries(): void {
  for (const path of live) rmSync(path, { recursive: true, force: true });
  live.clear();
}

/** Registers a path to remove at exit; returns the function that removes it now. */
function registerTemporary(path: string): () => void {
  hookExit();
  live.add(path);
  return () => {
    live.delete(path);
    rmSync(path, { recursive: true, force: true });
  };
}

export interface Temporary {
  path: string;
  /** Removes it (if it still exists) and forgets it. */
  dispose(): void;
  /** Forgets it without removing it: it was renamed to its final name. */
  keep(): void;
}

function temporary(path: string): Temporary {
  const dispose = registerTemporary(path);
  return { path, dispose, keep: () => void live.delete(path) };
}

const TEMP_DIR = /^grain-[a-z-]+-(\d+)-/;

/** A private folder in the OS temp folder, named `grain-<what>-<pid>-XXXXXX`. */
export function makeTempDir(what: string): Temporary {
  return temporary(mkdtempSync(join(tmpdir(), `grain-${what}-${process.pid}-`)));
}

/**
 * The temporary sibling a result is written to before it is renamed over `path`:
 * `.<name>.grain-<pid>-<random>.tmp`. Leftovers of dead processes for the same name are removed.
 */
export function siblingTemp(path: string): Temporary {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.grain-`;
  sweep(dir, (name) => (name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length).split('-')[0]) : undefined));
  return temporary(join(dir, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}.tmp`));
}

/** Removes the temp folders that Grain processes no longer running left in the OS temp folder. */
export function sweepStaleTempDirs(): void {
  sweep(tmpdir(), (name) => {
    const m = TEMP_DIR.exec(name);
    return m ? Number(m[1]) : undefined;
  });
}

function sweep(dir: string, ownerOf: (name: string) => number | undefined): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = ownerOf(name);
    if (pid !== undefined && Number.isInteger(pid) && pid > 0 && !isRunning(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
