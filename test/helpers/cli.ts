import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const MODELS = join(ROOT, 'models');
export const DEMO_MODELS = ['brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3', 'brown-gpt', 'brown-bert'];

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.js; `npm test` builds first). */
export function grain(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'grain-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
