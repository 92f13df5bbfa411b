import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, ROOT, tempDir } from '../helpers/cli';

/**
 * onnxruntime-node's telemetry (on unless ORT_DISABLE_TELEMETRY=1 is in the real environment
 * when it loads) reads /etc/machine-id at once, writes mat-debug-PID.log and .ses to TMPDIR and
 * a queue under ~/.cache/Microsoft, and a few seconds later resolves Microsoft's event host.
 * Each CLI command runs under strace with a HOME and TMPDIR of its own: any inet connect, any
 * read of the machine id, or any file left in either folder fails the test.
 */
function traced(dir: string, name: string, args: string[]) {
  const home = join(dir, `${name}-home`);
  const tmp = join(dir, `${name}-tmp`);
  mkdirSync(home);
  mkdirSync(tmp);
  const log = join(dir, `${name}.strace`);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TMPDIR: tmp };
  delete env.ORT_DISABLE_TELEMETRY;
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=connect,openat', '-o', log, process.execPath, join(ROOT, 'dist', 'cli.js'), ...args], {
    env,
    encoding: 'utf8',
  });
  assert.equal(run.error, undefined, `strace must be installed (scripts/install-e2e.sh installs it): ${run.error}`);
  assert.equal(run.status, 0, `grain ${args.join(' ')}\n${run.stderr}`);
  const trace = readFileSync(log, 'utf8');
  const inet = trace.split('\n').filter((l) => /connect\(.*AF_INET6?\b/.test(l));
  assert.deepEqual(inet, [], `grain ${name} opened network connections`);
  assert.doesNotMatch(trace, /machine-id/, `grain ${name} read the machine id (telemetry)`);
  assert.deepEqual(readdirSync(home, { recursive: true }), [], `grain ${name} left files in HOME`);
  assert.deepEqual(readdirSync(tmp, { recursive: true }), [], `grain ${name} left files in TMPDIR`);
}

test('CLI commands that load onnxruntime open no connection, read no machine id and leave no files', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'The jury said .\nIt did not .\n');
  const model = join(MODELS, 'brown-lstm-s1');
  traced(dir, 'golden', ['golden', '--model', model]);
  traced(dir, 'extract', ['extract', '--model', model, '--input', text, '--out', join(dir, 'acts.grain')]);
  traced(dir, 'ablate', ['ablate', '--model', model, '--input', text, '--mask', 'layer1:0-9', '--out', join(dir, 'abl.json')]);
});
