import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, ROOT, grain, tempDir } from '../helpers/cli';

const TEXT = join(MODELS, 'brown-test-2000.txt');
const GPT = join(MODELS, 'brown-gpt');

/** Starts `grain extract` and resolves once its temporary output exists, with a way to wait for its exit. */
async function extractUntilWriting(dir: string, out: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'extract', '--model', GPT, '--input', TEXT, '--out', out, '--batch', '8'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
    if (Date.now() > deadline) throw new Error(`no temporary file appeared: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, stderr: () => stderr };
}

for (const [format, signal, code] of [['grain', 'SIGTERM', 143], ['json', 'SIGHUP', 129], ['hdf5', 'SIGINT', 130]] as const) {
  test(`${signal} during a ${format} extraction: exit ${code}, a message, no temporary and no output left`, async (t) => {
    const dir = tempDir(t);
    const out = join(dir, `acts.${format === 'grain' ? 'grain' : format}`);
    const run = await extractUntilWriting(dir, out, { TMPDIR: dir });
    run.child.kill(signal);
    const { code: exit } = await run.exited;
    assert.equal(exit, code, run.stderr());
    assert.match(run.stderr(), new RegExp(`stopped by ${signal}; nothing was written`));
    assert.deepEqual(readdirSync(dir), [], 'no output, and nothing left beside it or in TMPDIR');
  });
}

test('a run killed outright (SIGKILL) leaves its temporary, and the next run to the same output removes it', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'acts.grain');
  const run = await extractUntilWriting(dir, out);
  run.child.kill('SIGKILL');
  await run.exited;
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 1, 'SIGKILL cannot be handled');
  const small = join(dir, 'small.txt');
  writeFileSync(small, 'The jury said .\n');
  const again = grain(['extract', '--model', GPT, '--input', small, '--out', out]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['acts.grain', 'small.txt']);
});
