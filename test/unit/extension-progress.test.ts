// Job progress as VS Code draws it: a percentage in the message and increments for the bar,
// monotone over the phases a job reports, reaching 100 at the end of the last phase.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedPhases, ProgressBar } from '../../src/extension/progress';
import type { ProbeJob } from '../../src/shared/jobs';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('one phase: the bar follows done/total and the message says the percentage', () => {
  const bar = new ProgressBar(1);
  const steps = [
    bar.next({ stage: 'loading model', done: 0, total: 200 }),
    bar.next({ stage: 'extracting', done: 50, total: 200 }),
    bar.next({ stage: 'extracting', done: 200, total: 200 }),
  ];
  assert.equal(steps[1].message, 'extracting: 25% (50 of 200)');
  assert.deepEqual(steps.map((s) => s.increment), [0, 25, 75]);
});

test('several phases share the bar; a new total or counting again starts the next phase', () => {
  const job = { kind: 'probe', model: '/m', control: false } as ProbeJob;
  assert.equal(expectedPhases(job), 3);
  const bar = new ProgressBar(expectedPhases(job));
  const incs = [
    bar.next({ stage: 'extracting train', done: 1500, total: 1500 }),
    bar.next({ stage: 'extracting test', done: 150, total: 300 }),
    bar.next({ stage: 'extracting test', done: 300, total: 300 }),
    bar.next({ stage: 'training probe', done: 0, total: 1 }),
    bar.next({ stage: 'evaluating', done: 1, total: 1 }),
  ].map((s) => s.increment);
  assert.ok(incs.every((i) => i >= 0), `never backwards: ${incs}`);
  assert.ok(Math.abs(incs[0] - 100 / 3) < 1e-9, `the first of three phases is a third: ${incs[0]}`);
  assert.ok(Math.abs(sum(incs) - 100) < 1e-9, `ends full: ${sum(incs)}`);
});

test('more phases than expected never pass 100', () => {
  const bar = new ProgressBar(1);
  const incs = [10, 20, 10, 20].map((done, i) => bar.next({ stage: `s${i}`, done, total: 20 }).increment);
  assert.ok(sum(incs) <= 100 + 1e-9);
});
