import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobFailedError, WorkerClient } from '../../src/extension/worker-client';
import type { ExtractJob } from '../../src/shared/jobs';
import { MODELS, ROOT, tempDir } from '../helpers/cli';

const WORKER = join(ROOT, 'dist', 'worker.js');

function job(input: string, out: string, model = join(MODELS, 'brown-lstm-s1')): ExtractJob {
  return { kind: 'extract', model, input, out, format: 'grain', aggregation: 'last', subword: false, keepSpecial: false, sites: 'layers', batchSize: 16, threads: 1, dtype: 'float32' };
}

test('the worker streams progress, reports a bad job as the user\'s error, and takes the next job', async (t) => {
  const dir = tempDir(t);
  const client = new WorkerClient(WORKER);
  t.after(() => client.dispose());
  const bad = join(dir, 'bad.txt');
  // Not UTF-8 on line 2.
  writeFileSync(bad, Buffer.concat([Buffer.from('fine line\nCaf'), Buffer.from([0xe9]), Buffer.from('\nmore words\n')]));
  await assert.rejects(client.run(job(bad, join(dir, 'a.grain'))).result, (e: unknown) => {
    assert.ok(e instanceof JobFailedError);
    assert.equal(e.error.kind, 'user');
    assert.equal(e.error.line, 2);
    assert.match(e.error.message, /bad\.txt:2/);
    return true;
  });
  const progress: number[] = [];
  const result = (await client.run(job(join(MODELS, 'brown-test-2000.txt'), join(dir, 'b.grain')), {
    onProgress: (p) => progress.push(p.done),
  }).result);
  assert.equal(result.sentences, 2000);
  assert.equal(result.rows, 43805);
  assert.ok(progress.length >= 2 && progress.at(-1) === 2000, `progress ${progress.join(',')}`);
  assert.ok(existsSync(join(dir, 'b.grain')));
});

test('a cancelled extraction leaves no file, and the worker stays usable', async (t) => {
  const dir = tempDir(t);
  const client = new WorkerClient(WORKER);
  t.after(() => client.dispose());
  const out = join(dir, 'c.grain');
  const running = client.run(job(join(MODELS, 'brown-test-2000.txt'), out), {
    onProgress: (p) => {
      if (p.stage === 'extracting' && p.done > 0) running.cancel();
    },
  });
  await assert.rejects(running.result, (e: unknown) => e instanceof JobFailedError && e.error.kind === 'cancelled');
  assert.deepEqual(readdirSync(dir), [], 'neither the output nor a temporary file remains');
  const small = join(dir, 's.txt');
  writeFileSync(small, 'The jury said .\n');
  const r = await client.run(job(small, join(dir, 'd.grain'))).result;
  assert.equal(r.rows, 4);
});

test('a crashed worker fails its job with a clear message and a fresh worker takes the next job', async () => {
  const client = new WorkerClient(join(ROOT, 'test', 'fixtures', 'crashing-worker.js'));
  const crashes: string[] = [];
  client.onCrash = (m) => crashes.push(m);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(client.run(job('x', 'y')).result, (e: unknown) => {
      assert.ok(e instanceof JobFailedError);
      assert.equal(e.error.kind, 'internal');
      assert.match(e.error.message, /worker exited unexpectedly \(code 3\).*a new worker takes the next job/);
      return true;
    });
  }
  assert.equal(crashes.length, 2, 'each crash is reported, and a new worker started for the second job');
  await client.dispose();
});
