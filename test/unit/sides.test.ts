// Two models side by side on one file: a neuron's partner in the other model (brown-lstm-s1 and
// -s2 on Brown sentences; neuron 719's partner runs opposite, r < 0) against a brute-force Pearson over extracted activations, the partner a
// saved correlation result names, and the difference of z-scores computed by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, test } from 'node:test';
import { bestPartner, correlateWithColumns, standardize, zDifference } from '../../src/core/correlate/partner';
import { extractTo } from '../../src/core/extract/extractor';
import { openExtractionModel } from '../../src/core/extract/model';
import { MemorySink } from '../../src/core/store';
import { splitWords } from '../../src/core/text';
import type { JobContext } from '../../src/jobs/context';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runNeuronPartner } from '../../src/jobs/neuron-partner';
import { readResult } from '../../src/results/read';
import type { NeuronPartnerJob } from '../../src/shared/jobs';
import { correlationPartner } from '../../src/extension/editor/correlation-partner';

const S1 = 'models/brown-lstm-s1';
const S2 = 'models/brown-lstm-s2';
const BROWN = readFileSync('models/brown-test-2000.txt', 'utf8').split('\n');
/** Correlation of the three seeds over the first 300 lines of brown-test-2000.txt (aggregation last). */
const CORRELATION = 'test/fixtures/results/v2/correlation-lstm.json';

const ctx = (): JobContext => ({ progress: () => {}, warn: () => {}, log: () => {}, signal: new AbortController().signal });

after(closeCachedModels);

const job = (lines: string[], over: Partial<NeuronPartnerJob>): NeuronPartnerJob => ({
  kind: 'neuron-partner',
  model: S1,
  other: S2,
  neuron: 300,
  lines: lines.map((text, line) => ({ line, text })),
  aggregation: 'last',
  sites: 'layers',
  batchSize: 16,
  threads: 1,
  ...over,
});

async function activations(model: string, lines: string[]): Promise<Float32Array> {
  const m = await openExtractionModel(model, { sites: 'layers', threads: 1 });
  const sink = new MemorySink();
  try {
    await extractTo(m, { sentences: lines.map(splitWords), aggregation: 'last', subword: false, keepSpecial: false, batchSize: 16 }, sink);
  } finally {
    await m.close();
  }
  return sink.result().data;
}

/** Pearson r the textbook way: means, then centred sums, one pair at a time. */
function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

for (const neuron of [300, 719]) {
  test(`the partner of brown-lstm-s1 neuron ${neuron} in brown-lstm-s2 over a few sentences is the brute-force best |r|`, async (t) => {
    const lines = BROWN.slice(0, 12);
    const res = await runNeuronPartner(job(lines, { neuron }), ctx());
    const a = await activations(S1, lines);
    const b = await activations(S2, lines);
    const rows = a.length / 768;
    assert.equal(res.rows, rows);
    assert.equal(res.words, rows, 'every word computed (no line is too long for an LSTM)');
    assert.equal(res.otherNeurons, 768);
    const x = Array.from({ length: rows }, (_, r) => a[r * 768 + neuron]);
    let best = -1;
    let bestR = 0;
    for (let j = 0; j < 768; j++) {
      const r = pearson(x, Array.from({ length: rows }, (_, i) => b[i * 768 + j]));
      if (Math.abs(r) > Math.abs(bestR)) {
        best = j;
        bestR = r;
      }
    }
    assert.equal(res.searched, true);
    assert.equal(res.partner, best);
    assert.ok(Math.abs(res.r - bestR) < 1e-9, `r ${res.r} vs brute force ${bestR}`);
    t.diagnostic(`brown-lstm-s1 neuron ${neuron} -> brown-lstm-s2 neuron ${best}, r = ${bestR.toFixed(4)} over ${rows} words`);
    for (let r = 0; r < rows; r++) {
      assert.equal(res.values[r], a[r * 768 + neuron]);
      assert.equal(res.partnerValues[r], b[r * 768 + best]);
    }
    // The difference is that of the two neurons standardised over these words.
    const z = standardize(res.values, rows);
    const zp = standardize(res.partnerValues, rows);
    for (let r = 0; r < rows; r++) assert.ok(Math.abs(res.diff[r] - (z[r] - Math.sign(bestR) * zp[r])) < 1e-6);
  });
}

test('a saved correlation result names the partner; over its own text the file-computed partner agrees', async () => {
  const read = readResult(CORRELATION);
  assert.equal(read.kind, 'correlation');
  if (read.kind !== 'correlation') return;
  const c = read.result;
  const n = c.neurons;
  // Model 0 is brown-lstm-s1, model 1 brown-lstm-s2: bestNeuron is [models x neurons].
  const partner = c.perModel[0].bestNeuron[1 * n + 300];
  const r = c.perModel[0].bestR[1 * n + 300];
  const lines = BROWN.slice(0, 300);
  const given = await runNeuronPartner(job(lines, { partner }), ctx());
  assert.equal(given.searched, false);
  assert.equal(given.partner, partner);
  assert.equal(given.words, c.rows, 'the same words the correlation ran over');
  assert.ok(Math.abs(given.r - r) < 1e-5, `r on the text ${given.r} vs the result's ${r}`);
  const searched = await runNeuronPartner(job(lines, {}), ctx());
  assert.equal(searched.partner, partner);
});

test('z-scores over the words and their difference, by hand', () => {
  // x = 1 2 3 4: mean 2.5, sd sqrt(1.25); y = 2 2 2 8: mean 3.5, sd sqrt(6.75).
  const z = standardize([1, 2, 3, 4], 4);
  const zy = standardize([2, 2, 2, 8], 4);
  const close = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-6, `${i}: ${got[i]} vs ${w}`));
  close(z, [-1.341641, -0.447214, 0.447214, 1.341641]);
  close(zy, [-0.57735, -0.57735, -0.57735, 1.732051]);
  close(zDifference(z, zy, 0.4), [-0.764291, 0.130137, 1.024564, -0.39041]);
  // A partner that runs opposite disagrees where it does not mirror: z + zy.
  close(zDifference(z, zy, -0.4), [-1.918991, -1.024564, -0.130137, 3.073692]);
  // Masked rows take no part and get 0; a constant neuron has z 0 and correlates 0.
  close(standardize([1, 100, 3], 3, [1, 0, 1]), [-1, 0, 1]);
  close(standardize([5, 5, 5], 3), [0, 0, 0]);
  const r = correlateWithColumns([1, 2, 3], Float32Array.from([2, 7, 4, 7, 6, 7]), 3, 2);
  close(r, [1, 0]);
  assert.deepEqual(bestPartner([0.2, -0.9, 0.9]), { neuron: 1, r: -0.9 });
});

test('the partner a saved correlation result names: both models must be in it, with the same sites', () => {
  const read = readResult(CORRELATION);
  if (read.kind !== 'correlation') throw new Error('not a correlation result');
  const c = read.result;
  const entries = [{ kind: 'probe', path: 'x.json', models: [S1] }, { kind: 'correlation', path: CORRELATION, models: c.models }];
  const sites = c.sites.map((s) => ({ name: s.name, width: s.width }));
  const find = (a: string, b: string, neuron: number, s = sites) => correlationPartner(entries, readResult, resolve(a), resolve(b), neuron, s, (p) => resolve(p));
  const got = find(S1, S2, 300);
  assert.deepEqual(got, { partner: c.perModel[0].bestNeuron[768 + 300], r: c.perModel[0].bestR[768 + 300], file: 'correlation-lstm.json', rows: c.rows });
  assert.equal(got?.partner, 262);
  // The other way round reads the second model's row for the first.
  assert.equal(find(S2, S1, 262)?.partner, c.perModel[1].bestNeuron[0 * 768 + 262]);
  assert.equal(find('models/brown-lstm-s3', S1, 5)?.partner, c.perModel[2].bestNeuron[0 * 768 + 5]);
  assert.equal(find(S1, 'models/brown-gpt', 300), undefined, 'brown-gpt is not in it');
  assert.equal(find(S1, S2, 300, [...sites.slice(0, 2), { name: 'layer2', width: 128 }]), undefined, 'other sites number neurons otherwise');
});
