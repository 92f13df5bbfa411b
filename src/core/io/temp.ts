import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary path Grain makes is registered here and removed when it is disposed, and
 * whatever is still registered when the process exits (normally, or through exitForSignal) is
 * removed then: a run never leaves its intermediate files behind.
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
export function registerTemporary(path: string): () => void {
  hookExit();
  live.add(path);
  return () => {
    live.delete(path);
    rmSync(path, { recursive: true, force: true });
  };
}

/** A private folder in the OS temp folder, named `grain-<what>-<pid>-XXXXXX`. */
export function makeTempDir(what: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), `grain-${what}-${process.pid}-`));
  return { path, dispose: registerTemporary(path) };
}
