// Ablation curves say what they will cost before they run: runs x sentences, timed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveRuns, estimateSeconds, formatDuration, sentenceOptions } from '../../src/extension/ablation-plan';
import { DEFAULTS } from '../../src/shared/defaults';

test('runs: two unablated runs, then every ordering and random draw at each count above 0', () => {
  const q = DEFAULTS.ablation.quick;
  // A probe (LCA top and bottom), a correlation (CCA top), 3 random draws, 5 counts above 0.
  assert.equal(curveRuns({ lcaFiles: 1, ccaFiles: 1, percents: q.percents, randomDraws: q.randomDraws }), 2 + (3 + 3) * 5);
  assert.equal(curveRuns({ lcaFiles: 1, ccaFiles: 0, percents: [0, 50], randomDraws: 0 }), 4);
});

test('the estimate scales a timed run by runs and sentences', () => {
  assert.equal(estimateSeconds(32, 500, { sentences: 32, seconds: 0.32 }), 160);
  assert.equal(formatDuration(160), 'about 2 min 40 s');
  assert.equal(formatDuration(12.4), 'about 12 s');
  assert.equal(formatDuration(119), 'about 2 min');
  assert.equal(formatDuration(3900), 'about 1 h 5 min');
});

test('sentence counts: the defaults below the text\'s size, then the whole text', () => {
  assert.deepEqual(sentenceOptions(DEFAULTS.ablation.quick.sentenceChoices, 2000), [
    { count: 100, all: false },
    { count: 250, all: false },
    { count: 500, all: false },
    { count: 1000, all: false },
    { count: 2000, all: true },
  ]);
  assert.deepEqual(sentenceOptions([100, 250], 120), [{ count: 100, all: false }, { count: 120, all: true }]);
});
