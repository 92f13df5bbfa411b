/**
 * Probe benchmark. (1) The acceptance setup: brown-lstm-s1 word-level (last subword)
 * activations of the first 5,000 Brown training sentences and first 1,000 test sentences,
 * normalized Brown tags; trains NeuroX-compatible and default probes (lambda 1e-5 both) and
 * prints seconds, GFLOP/s, test accuracy and the speed ratio. (2) A BERT-base-sized synthetic
 * run (~10,000 neurons x 50,000 tokens, 45 classes) with its time and peak memory.
 *
 * Activations are extracted once with `grain extract` (run from source through tsx) into a
 * cache folder (GRAIN_BENCH_CACHE, default the OS temp folder); pass --train/--test with
 * existing activation files to skip that. Labels always come from src/core/corpus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildLabelIndex, encodeLabels, readBrownSplit } from '../src/core/corpus';
import { createGemm, measureGflops, type Gemm } from '../src/core/linalg/gemm';
import { arraySource, type ProbeSource } from '../src/core/probe/data';
import { evaluatePredictions } from '../src/core/probe/evaluate';
import { predictSource } from '../src/core/probe/predict';
import { seededRng } from '../src/core/random';
import { trainProbe } from '../src/core/probe/train';
import type { TrainMode } from '../src/core/probe/types';
import { openActivations } from '../src/core/store';

const ROOT = resolve(__dirname, '..');

export interface BrownProbeData {
  train: ProbeSource;
  test: ProbeSource;
  yTrain: Int32Array;
  yTest: Int32Array;
  classes: string[];
}

export interface ModeFigures {
  mode: TrainMode;
  seconds: number;
  epochs: number;
  gflops: number;
  gemmGflops: number;
  testAccuracy: number;
}

export interface ProbeBenchFigures {
  peakGflops1024: number;
  brown?: {
    trainRows: number;
    testRows: number;
    neurons: number;
    classes: number;
    neurox: ModeFigures;
    default: ModeFigures;
    speedRatio: number;
  };
  synthetic?: {
    neurons: number;
    rows: number;
    classes: number;
    seconds: number;
    epochs: number;
    gflops: number;
    trainAccuracy: number;
    maxRssMB: number;
    heapUsedMB: number;
    externalMB: number;
  };
}

async function writeSentences(path: string, sentences: string[][]): Promise<void> {
  writeFileSync(path, sentences.map((s) => s.join(' ')).join('\n') + '\n');
}

/** Extracts activations with the CLI unless the cache already has them. */
function extract(input: string, out: string): void {
  if (existsSync(out)) return;
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'extract', '--model', join(ROOT, 'models/brown-lstm-s1'), '--input', input, '--out', out, '--format', 'grain', '--aggregation', 'last'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function prepareBrown(opts: { trainSentences?: number; testSentences?: number; trainFile?: string; testFile?: string } = {}): Promise<BrownProbeData> {
  const nTrain = opts.trainSentences ?? 5000;
  const nTest = opts.testSentences ?? 1000;
  const split = join(ROOT, 'models/brown-split.json');
  const trainCorpus = await readBrownSplit(split, 'train', { tagset: 'normalized' });
  const testCorpus = await readBrownSplit(split, 'test', { tagset: 'normalized' });
  const trS = trainCorpus.sentences.slice(0, nTrain);
  const trL = trainCorpus.labels.slice(0, nTrain);
  const teS = testCorpus.sentences.slice(0, nTest);
  const teL = testCorpus.labels.slice(0, nTest);
  let trainFile = opts.trainFile;
  let testFile = opts.testFile;
  if (!trainFile || !testFile) {
    const cache = process.env.GRAIN_BENCH_CACHE ?? join(tmpdir(), 'grain-bench-probe');
    mkdirSync(cache, { recursive: true });
    const trIn = join(cache, `brown-train-${nTrain}.txt`);
    const teIn = join(cache, `brown-test-${nTest}.txt`);
    await writeSentences(trIn, trS);
    await writeSentences(teIn, teS);
    trainFile = join(cache, `lstm-s1-train-${nTrain}.grain`);
    testFile = join(cache, `lstm-s1-test-${nTest}.grain`);
    extract(trIn, trainFile);
    extract(teIn, testFile);
  }
  const train = await openActivations(trainFile);
  const test = await openActivations(testFile);
  const index = buildLabelIndex(trL);
  const yTrain = encodeLabels(trL, index).y;
  const yTest = encodeLabels(teL, index).y;
  if (yTrain.length !== train.rows || yTest.length !== test.rows) {
    throw new Error(`label/row mismatch: train ${yTrain.length}/${train.rows}, test ${yTest.length}/${test.rows}`);
  }
  return { train, test, yTrain, yTest, classes: index.classes };
}

async function trainAndTest(gemm: Gemm, d: BrownProbeData, mode: TrainMode, log: (s: string) => void): Promise<ModeFigures> {
  const t0 = performance.now();
  const { model, report } = await trainProbe(d.train, d.yTrain, {
    mode,
    lambdaL1: 1e-5,
    lambdaL2: 1e-5,
    classes: d.classes.length,
    gemm,
    onProgress: (p) => log(`  ${mode} epoch ${p.epoch}: train loss ${p.trainLoss.toFixed(4)} acc ${p.trainAccuracy.toFixed(4)}${p.holdoutAccuracy !== undefined ? ` held-out acc ${p.holdoutAccuracy.toFixed(4)}` : ''}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const pred = await predictSource(model, d.test, { gemm });
  const ev = evaluatePredictions(pred.predicted, d.yTest, d.classes.length);
  return { mode, seconds, epochs: report.epochs, gflops: report.gflops, gemmGflops: report.gemmGflops, testAccuracy: ev.accuracy };
}

/** Rows of Gaussian activations whose labels a random linear map of 200 neurons decides. */
function syntheticBert(rows: number, neurons: number, classes: number): { source: ProbeSource; y: Int32Array } {
  const rng = seededRng(11);
  const x = new Float32Array(rows * neurons);
  for (let i = 0; i < x.length; i++) x[i] = rng() + rng() + rng() - 1.5;
  const informative = 200;
  const w = Float32Array.from({ length: classes * informative }, () => rng() * 2 - 1);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let j = 0; j < informative; j++) s += w[c * informative + j] * x[r * neurons + j * 7];
      if (s > bv) {
        bv = s;
        best = c;
      }
    }
    y[r] = best;
  }
  return { source: arraySource(x, rows, neurons), y };
}

export async function runProbeBench(opts: { brown?: boolean; synthetic?: boolean; log?: (s: string) => void } = {}): Promise<ProbeBenchFigures> {
  const log = opts.log ?? (() => {});
  const gemm = await createGemm();
  try {
    const figures: ProbeBenchFigures = { peakGflops1024: await measureGflops(gemm, 1024) };
    log(`gemm 1024^3: ${figures.peakGflops1024.toFixed(1)} GFLOP/s`);
    if (opts.brown !== false) {
      const d = await prepareBrown();
      log(`brown: ${d.train.rows} train rows, ${d.test.rows} test rows, ${d.train.neurons} neurons, ${d.classes.length} classes`);
      const def = await trainAndTest(gemm, d, 'default', log);
      log(`default: ${def.seconds.toFixed(2)} s, ${def.gflops.toFixed(1)} GFLOP/s, test acc ${(def.testAccuracy * 100).toFixed(2)}%`);
      const nx = await trainAndTest(gemm, d, 'neurox', log);
      log(`neurox:  ${nx.seconds.toFixed(2)} s, ${nx.gflops.toFixed(1)} GFLOP/s, test acc ${(nx.testAccuracy * 100).toFixed(2)}%`);
      figures.brown = {
        trainRows: d.train.rows,
        testRows: d.test.rows,
        neurons: d.train.neurons,
        classes: d.classes.length,
        neurox: nx,
        default: def,
        speedRatio: nx.seconds / def.seconds,
      };
      log(`speed ratio neurox/default: ${figures.brown.speedRatio.toFixed(2)}x`);
    }
    if (opts.synthetic !== false) {
      const rows = 50_000;
      const neurons = 9984; // 13 layers x 768, BERT-base
      const classes = 45;
      const { source, y } = syntheticBert(rows, neurons, classes);
      const t0 = performance.now();
      const { report } = await trainProbe(source, y, { lambdaL1: 1e-5, lambdaL2: 1e-5, gemm, epochs: 5 });
      const seconds = (performance.now() - t0) / 1000;
      const mem = process.memoryUsage();
      figures.synthetic = {
        neurons,
        rows,
        classes,
        seconds,
        epochs: report.epochs,
        gflops: report.gflops,
        trainAccuracy: report.trainAccuracy,
        maxRssMB: process.resourceUsage().maxRSS / 1024,
        heapUsedMB: mem.heapUsed / 2 ** 20,
        externalMB: (mem.external + mem.arrayBuffers) / 2 ** 20,
      };
      log(`synthetic ${neurons} x ${rows}, ${classes} classes: ${seconds.toFixed(2)} s, ${report.epochs} epochs, ${report.gflops.toFixed(1)} GFLOP/s, max RSS ${figures.synthetic.maxRssMB.toFixed(0)} MB`);
    }
    return figures;
  } finally {
    await gemm.dispose();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  runProbeBench({ brown: !args.includes('--synthetic-only'), synthetic: !args.includes('--brown-only'), log: (s) => console.log(s) })
    .then((f) => console.log(JSON.stringify(f, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
