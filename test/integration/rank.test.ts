// grain rank, grain experiment --ranking, grain compare-rankings and grain report on the demo LSTM:
// every method writes a complete ranking result, the experiments follow a ranking's ordering,
// agreement is computed and printed, and rankings of other activations are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import type { AgreementResult, ExperimentsResult, ProbeResult, RankingResult } from '../../src/shared/results';

const LSTM = join(MODELS, 'brown-lstm-s1');
const DATA = ['--brown', '--tagset', 'universal', '--train-sentences', '400', '--test-sentences', '100', '--model', LSTM];
const ALL = Array.from({ length: 768 }, (_, i) => i);

const read = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

test('every method ranks all 768 neurons of brown-lstm-s1 and writes what the report draws', async (t) => {
  const dir = tempDir(t);
  const extra: Record<string, string[]> = { gaussian: ['--max-neurons', '8', '--max-rows', '1500'], iou: [], probeless: [], clustering: [] };
  for (const method of ['probeless', 'iou', 'gaussian', 'clustering']) {
    const out = join(dir, `${method}.json`);
    const run = grain(['rank', '--method', method, ...DATA, ...extra[method]!, '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const r = read<RankingResult>(out);
    assert.equal(r.schema, 'grain.ranking');
    assert.equal(r.version, 2);
    assert.deepEqual(nonCamelKeys(r), []);
    assert.equal(r.method, method);
    assert.deepEqual([...r.ordering].sort((a, b) => a - b), ALL, method);
    assert.equal(r.scores.length, 768);
    assert.deepEqual(r.sites.map((s) => [s.name, s.width]), [['embeddings', 256], ['layer1', 256], ['layer2', 256]]);
    assert.equal(r.topBySite.reduce((a, b) => a + b, 0), 77);
    assert.equal(r.topWords.length, 50);
    // The universal tags less X, which the first 400 training sentences never use.
    assert.deepEqual(r.classes, ['.', 'ADJ', 'ADP', 'ADV', 'CONJ', 'DET', 'NOUN', 'NUM', 'PRON', 'PRT', 'VERB']);
    assert.match(run.stdout, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    if (method === 'probeless' || method === 'iou') {
      // The ordering is the scores' order, best first.
      for (let i = 1; i < r.ordering.length; i++) assert.ok(r.scores[r.ordering[i - 1]!]! >= r.scores[r.ordering[i]!]!, `${method} at ${i}`);
      assert.deepEqual(Object.keys(r.perClassTop!).sort(), r.classes);
      for (const list of Object.values(r.perClassTop!)) assert.equal(list.length, 38);
    }
    if (method === 'iou') {
      const shares = Object.values(r.prevalence!);
      assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.equal(r.settings.iou?.threshold, 0.05);
    }
    if (method === 'gaussian') {
      const g = r.gaussian!;
      assert.equal(g.steps.length, 8);
      assert.equal(g.evaluationRows, 1500);
      assert.deepEqual(g.steps.map((s) => s.neuron), r.ordering.slice(0, 8));
      // The estimate is NeuroX's on the training words (test/unit/rank-methods.test.ts checks it
      // against a direct computation): with 768 neurons, the small tags' Gaussians are too narrow
      // for their words and it need not rise at each step. What must hold: no estimate above the
      // labels' entropy; each chosen neuron's score is its step's; the rest follow by score.
      for (const st of g.steps) assert.ok(Number.isFinite(st.mutualInformation) && st.mutualInformation < g.entropyBits, String(st.mutualInformation));
      g.steps.forEach((st) => assert.equal(r.scores[st.neuron], st.mutualInformation));
      const rest = r.ordering.slice(8).map((n) => r.scores[n]).filter((v): v is number => v !== null);
      for (let i = 1; i < rest.length; i++) assert.ok(rest[i - 1]! >= rest[i]!, `after the greedy steps, at ${i}`);
      for (const v of rest) assert.ok(v < g.entropyBits);
      // The chosen neurons classify most words (the commonest tag, NOUN, is under a third of them).
      assert.ok(g.steps[7]!.accuracy > 0.6 && g.steps[7]!.accuracy > g.steps[0]!.accuracy, String(g.steps[7]!.accuracy));
      // The CLI prints the last estimate as an estimate, its peak when it fell, and why.
      const mi = g.steps.map((st) => st.mutualInformation);
      const peak = mi.indexOf(Math.max(...mi));
      const line = `greedy steps: 8; information estimate with 8 neurons: ${mi[7]!.toFixed(3)} of ${g.entropyBits.toFixed(3)} bits, accuracy ${(100 * g.steps[7]!.accuracy).toFixed(2)}%, on 1500 training words`;
      if (peak < 7) {
        assert.ok(run.stdout.includes(`${line}; highest ${mi[peak]!.toFixed(3)} bits with ${peak + 1} neurons\n`), run.stdout);
        assert.match(run.stdout, /\/ \(its words \+ 2 x 768 \+ 4\).*it is not the information they carry/);
      } else {
        assert.ok(run.stdout.includes(`${line}\n`), run.stdout);
      }
      assert.doesNotMatch(run.stdout, /neurons carry/);
    }
    if (method === 'clustering') {
      const c = r.clustering!;
      assert.equal(c.kept.length, c.clusters);
      assert.deepEqual(r.ordering.slice(0, c.kept.length).sort((a, b) => a - b), [...c.kept].sort((a, b) => a - b));
      assert.equal(c.bySite.reduce((n, s) => n + s.kept, 0), c.kept.length);
      assert.equal(c.bySite.reduce((n, s) => n + s.redundant, 0), 768 - c.kept.length);
      // Every kept neuron is alone in its cluster among the kept.
      assert.equal(new Set(c.kept.map((k) => c.cluster[k])).size, c.kept.length);
      assert.ok(c.keptProbe.accuracy > 0.5 && c.fullProbe.accuracy > 0.5);
      assert.match(run.stdout, /clusters at distance 0\.5: \d+ neurons kept, \d+ redundant \(embeddings \d+ of 256/);
    }
  }

  // The experiments follow a ranking's ordering: top 10% is its first 77 neurons.
  const xOut = join(dir, 'x.json');
  const x = grain(['experiment', ...DATA, '--ranking', join(dir, 'probeless.json'), '--run', 'subsets,top-words', '--percents', '10', '--out', xOut]);
  assert.equal(x.status, 0, x.stderr);
  const xr = read<ExperimentsResult>(xOut);
  assert.equal(xr.ranking?.method, 'probeless');
  assert.deepEqual(xr.ranking?.ordering, read<RankingResult>(join(dir, 'probeless.json')).ordering);
  assert.deepEqual(xr.topWords!.map((w) => w.neuron), xr.ranking!.ordering.slice(0, 20));
  assert.equal(xr.subsets!.rows[0]!.count, 77);
  assert.match(x.stdout, /neurons ordered by Probeless \(Antverg & Belinkov 2022\)/);

  // Agreement of the four (and a probe of the same activations), printed and saved.
  const probeOut = join(dir, 'probe.json');
  assert.equal(grain(['probe', ...DATA, '--out', probeOut]).status, 0);
  const agreement = join(dir, 'agreement.json');
  const files = ['probe', 'probeless', 'iou', 'gaussian', 'clustering'].map((m) => join(dir, `${m}.json`));
  const cmp = grain(['compare-rankings', ...files, '--out', agreement]);
  assert.equal(cmp.status, 0, cmp.stderr);
  const a = read<AgreementResult>(agreement);
  assert.equal(a.schema, 'grain.agreement');
  assert.equal(a.pairs.length, 10);
  assert.equal(a.percents.length, 50);
  assert.deepEqual(a.rankings.map((r) => r.method), ['probe', 'probeless', 'iou', 'gaussian', 'clustering']);
  // At 50% of 768 neurons each top half holds 384; overlaps are shares of that.
  const i10 = a.percents.indexOf(10);
  assert.equal(a.counts[i10], 77);
  for (const p of a.pairs) for (const v of p.overall) assert.ok(v >= 0 && v <= 1);
  const probe = read<ProbeResult>(probeOut);
  const probeless = read<RankingResult>(join(dir, 'probeless.json'));
  const shared = probe.ordering.slice(0, 77).filter((n) => probeless.ordering.slice(0, 77).includes(n)).length;
  assert.equal(a.pairs[0]!.overall[i10], shared / 77);
  assert.match(cmp.stdout, /A = probe\.json \(Linear probe \(Dalvi et al\. 2019\)\)/);
  assert.match(cmp.stdout, new RegExp(`\\n\\s+10%\\s+77\\s+${((100 * shared) / 77).toFixed(1)}%`));

  // The report of the ranking with its experiments names the method.
  const html = join(dir, 'report.html');
  const rep = grain(['report', join(dir, 'probeless.json'), xOut, '--out', html]);
  assert.equal(rep.status, 0, rep.stderr);
  // It names the files as they were given (here, full paths).
  assert.ok(rep.stdout.split('\n').includes(`Ranked neurons: ${join(dir, 'probeless.json')} + ${xOut}`), rep.stdout);
  // Two reports (the ranking, and the ablation curves of x.json): tabs, each page in an escaped srcdoc.
  assert.ok(rep.stdout.split('\n').includes(`Ablation curves: ${xOut}`), rep.stdout);
  assert.match(readFileSync(html, 'utf8'), /Antverg &#38; Belinkov/);
});

test('rankings of other activations are refused by the experiments and by compare-rankings, naming the difference', async (t) => {
  const dir = tempDir(t);
  const small = ['--brown', '--tagset', 'universal', '--train-sentences', '150', '--test-sentences', '50', '--model', LSTM];
  const a = join(dir, 'a.json');
  assert.equal(grain(['rank', '--method', 'probeless', ...small, '--out', a]).status, 0);
  const b = join(dir, 'b.json');
  const other = ['--brown', '--tagset', 'universal', '--train-sentences', '120', '--test-sentences', '50', '--model', LSTM];
  assert.equal(grain(['rank', '--method', 'probeless', ...other, '--out', b]).status, 0);
  const cmp = grain(['compare-rankings', a, b]);
  assert.equal(cmp.status, 1);
  assert.match(cmp.stderr, /b\.json ranks different activations than a\.json: training data .*\(150 sentences, \d+ words\) vs .*\(120 sentences, \d+ words\)/);
  const out = join(dir, 'x.json');
  const x = grain(['experiment', ...other, '--ranking', a, '--run', 'subsets', '--percents', '10', '--out', out]);
  assert.equal(x.status, 1);
  assert.match(x.stderr, /a\.json: the ranking is of other activations than these experiments/);
  assert.equal(existsSync(out), false);
  // Another model: a different model, the same sites and widths.
  const c = join(dir, 'c.json');
  assert.equal(grain(['rank', '--method', 'probeless', ...small.slice(0, -1), join(MODELS, 'brown-lstm-s2'), '--out', c]).status, 0);
  const cmp2 = grain(['compare-rankings', a, c]);
  assert.equal(cmp2.status, 1);
  assert.match(cmp2.stderr, /model .*brown-lstm-s1 vs model .*brown-lstm-s2/);
  // Not a ranking, and method options of another method.
  const notRanking = grain(['compare-rankings', a, join(MODELS, '..', 'test', 'fixtures', 'results', 'correlation-lstm.json')]);
  assert.equal(notRanking.status, 1);
  assert.match(notRanking.stderr, /a correlation result is not a ranking/);
  const wrongFlag = grain(['rank', '--method', 'probeless', '--max-neurons', '5', ...small, '--out', join(dir, 'd.json')]);
  assert.equal(wrongFlag.status, 2);
  assert.match(wrongFlag.stderr, /--max-neurons is an option of --method gaussian, not probeless/);
});
