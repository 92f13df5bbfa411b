/**
 * Probe benchmark. (1) The acceptance setup: brown-lstm-s1 word-level (last subword)
 * activations of the first 5,000 Brown training sentences and first 1,000 test sentences,
 * normalized Brown tags, lambda 1e-5 for both penalties. Grain's default trainer runs, then
 * NeuroX's own training loop (bench/neurox_probe.py, torch: Adam 1e-3, batch 32, 10 epochs,
 * rows in order) on the very same activations and labels, exported to raw files, then Grain
 * again; the ratio is NeuroX's seconds over the mean of Grain's two runs, which bracket it so
 * both see the same machine load. Grain's seconds include loading the activations from the
 * store (validation, column statistics); NeuroX's are its training loop alone. The products'
 * GFLOP/s during Grain's training are set against the machine's SGEMM peak (1024^3) measured
 * in the same run. The reference needs torch (Debian: apt-get install python3-torch); without
 * it the bench says so and reports Grain alone. (2) A BERT-base-sized synthetic run (~10,000
 * neurons x 50,000 tokens, 45 classes) with its time and peak memory.
 *
 * Activations are extracted once with `grain extract` (run from source through tsx) into a
 * cache folder (GRAIN_BENCH_CACHE, default the OS temp folder); pass --train/--test with
 * existing activation files to skip that. Labels always come from src/core/corpus.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildLabelIndex, encodeLabels, readBrownSplit } from '../src/core/corpus';
import { createGemm, gemmFlops, measureGflops, type Gemm } from '../src/core/linalg/gemm';
import { arraySource, loadProbeData, type ProbeSource, type RowChunk } from '../src/core/probe/data';
import { evaluatePredictions } from '../src/core/probe/evaluate';
import { predictSource } from '../src/core/probe/predict';
import { seededRng } from '../src/core/random';
import { trainOnData, trainProbe } from '../src/core/probe/train';
import type { TrainMode } from '../src/core/probe/types';
import { openActivations } from '../src/core/store';

const ROOT = resolve(__dirname, '..');
const LAMBDA = 1e-5;

export interface BrownProbeData {
  train: ProbeSource;
  test: ProbeSource;
  yTrain: Int32Array;
  yTest: Int32Array;
  classes: string[];
}

export interface ModeFigures {
  mode: TrainMode;
  /** Loading the training activations (validation, statistics) plus training. */
  seconds: number;
  loadSeconds: number;
  trainSeconds: number;
  /** CPU time of this process over the same span (all threads). */
  cpuSeconds: number;
  epochs: number;
  /** Rows per step. */
  batchRows: number;
  /** Flops of the products over the training's wall time. */
  gflops: number;
  /** Flops of the products over the time spent in the batch steps (products, softmax, update). */
  gemmGflops: number;
  testAccuracy: number;
}

export interface NeuroxReference {
  /** Why there is no reference figure (torch missing, script failed). */
  missing?: string;
  python?: string;
  torch?: string;
  threads?: number;
  seconds?: number;
  cpuSeconds?: number;
  epochs?: number;
  steps?: number;
  testAccuracy?: number;
}

export interface ProbeBenchFigures {
  /**
   * The machine's SGEMM peak (1024^3, best of five): the higher of a measure before the probe
   * runs and one after them, so a busy moment during one measure does not lower the bar.
   */
  peakGflops1024: number;
  peakGflops1024Measures: number[];
  brown?: {
    trainRows: number;
    testRows: number;
    neurons: number;
    classes: number;
    /** Grain's default trainer before and after the reference. */
    default: ModeFigures;
    defaultAgain: ModeFigures;
    /** Products' GFLOP/s over the peak (mean of the two runs). */
    gemmShareOfPeak: number;
    /**
     * Plain SGEMMs at the step's own shapes (batch rows x width x classes, forward and gradient), best
     * of five, right after the runs: what MLAS gives for products this thin, for comparison.
     */
    stepShapeGflops: number;
    neurox: NeuroxReference;
    /** NeuroX's seconds over the mean of Grain's (goal >= 5). */
    speedRatio?: number;
    /** The same with CPU seconds: less sensitive to other processes on a shared machine. */
    cpuRatio?: number;
    /** Grain's mean test accuracy minus NeuroX's (goal >= 0). */
    accuracyGain?: number;
    /** Grain's NeuroX-compatible mode (only with --grain-neurox: slow). */
    grainNeuroxMode?: ModeFigures;
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

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

async function trainAndTest(gemm: Gemm, d: BrownProbeData, mode: TrainMode, log: (s: string) => void): Promise<ModeFigures> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const data = await loadProbeData(d.train, d.yTrain, { classes: d.classes.length, requireTwoClasses: true });
  const t1 = performance.now();
  const { model, report } = await trainOnData(data, {
    mode,
    lambdaL1: LAMBDA,
    lambdaL2: LAMBDA,
    classes: d.classes.length,
    gemm,
    onProgress: (p) => log(`  ${mode} epoch ${p.epoch}: train loss ${p.trainLoss.toFixed(4)} acc ${p.trainAccuracy.toFixed(4)}${p.holdoutAccuracy !== undefined ? ` held-out acc ${p.holdoutAccuracy.toFixed(4)}` : ''}`),
  });
  const t2 = performance.now();
  const cpuUsed = cpuSeconds(cpu);
  const pred = await predictSource(model, d.test, { gemm });
  const ev = evaluatePredictions(pred.predicted, d.yTest, d.classes.length);
  return {
    mode,
    seconds: (t2 - t0) / 1000,
    loadSeconds: (t1 - t0) / 1000,
    trainSeconds: (t2 - t1) / 1000,
    cpuSeconds: cpuUsed,
    epochs: report.epochs,
    batchRows: report.batchRows,
    gflops: report.gflops,
    gemmGflops: report.gemmGflops,
    testAccuracy: ev.accuracy,
  };
}

/** Every row of a source to a raw little-endian float32 file, and its labels (-1: no label) to int32. */
async function exportRows(source: ProbeSource, y: Int32Array, xPath: string, yPath: string): Promise<void> {
  const fd = openSync(xPath, 'w');
  try {
    for await (const chunk of source.chunks(4096) as AsyncIterable<RowChunk>) {
      const bytes = new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.rows * source.neurons * 4);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(yPath, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
}

/** A Python that imports torch: GRAIN_BENCH_PYTHON, else python3 on the PATH, else Debian's. */
function findTorchPython(): { python?: string; tried: string[] } {
  const candidates = [process.env.GRAIN_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return { python, tried: candidates };
  }
  return { tried: candidates };
}

/** NeuroX's training loop under torch on the same activations and labels (bench/neurox_probe.py). */
async function neuroxReference(d: BrownProbeData, log: (s: string) => void): Promise<NeuroxReference> {
  const { python, tried } = findTorchPython();
  if (!python) return { missing: `no Python with torch (tried ${tried.join(', ')}); on Debian: apt-get install python3-torch` };
  const dir = mkdtempSync(join(tmpdir(), 'grain-bench-neurox-'));
  try {
    await exportRows(d.train, d.yTrain, join(dir, 'train.f32'), join(dir, 'train.i32'));
    await exportRows(d.test, d.yTest, join(dir, 'test.f32'), join(dir, 'test.i32'));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ neurons: d.train.neurons, lambdaL1: LAMBDA, lambdaL2: LAMBDA, epochs: 10, batchSize: 32, learningRate: 1e-3, seed: 0 }));
    log(`neurox reference: ${python} bench/neurox_probe.py (torch; 10 epochs of batch 32: takes a while)`);
    const run = spawnSync(python, [join(ROOT, 'bench/neurox_probe.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) return { missing: `bench/neurox_probe.py failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`, python };
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, number | string>;
    return {
      python,
      torch: String(r.torch),
      threads: Number(r.threads),
      seconds: Number(r.seconds),
      cpuSeconds: Number(r.cpuSeconds),
      epochs: Number(r.epochs),
      steps: Number(r.steps),
      testAccuracy: Number(r.testAccuracy),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(f: ModeFigures): string {
  return `${f.seconds.toFixed(2)} s (load ${f.loadSeconds.toFixed(2)} + train ${f.trainSeconds.toFixed(2)}; cpu ${f.cpuSeconds.toFixed(2)} s), ${f.epochs} epochs of ${f.batchRows}-row steps, products ${f.gemmGflops.toFixed(1)} GFLOP/s, test acc ${(f.testAccuracy * 100).toFixed(2)}%`;
}

/** Best of five: the forward product (rows x width by width x classes) and the gradient's (classes x rows by rows x width). */
async function shapeGflops(gemm: Gemm, rows: number, width: number, classes: number): Promise<number> {
  const x = Float32Array.from({ length: rows * width }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const w = Float32Array.from({ length: width * classes }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const g = Float32Array.from({ length: classes * rows }, (_, i) => ((i * 31) % 1000) / 1000 - 0.5);
  await gemm.ab(x, w, rows, width, classes);
  await gemm.ab(g, x, classes, rows, width);
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    await gemm.ab(x, w, rows, width, classes);
    await gemm.ab(g, x, classes, rows, width);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return (gemmFlops(rows, width, classes) + gemmFlops(classes, rows, width)) / best / 1e9;
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

export async function runProbeBench(opts: { brown?: boolean; synthetic?: boolean; grainNeurox?: boolean; log?: (s: string) => void } = {}): Promise<ProbeBenchFigures> {
  const log = opts.log ?? (() => {});
  const gemm = await createGemm();
  try {
    const before = await measureGflops(gemm, 1024);
    const figures: ProbeBenchFigures = { peakGflops1024: before, peakGflops1024Measures: [before] };
    log(`gemm 1024^3: ${before.toFixed(1)} GFLOP/s`);
    if (opts.brown !== false) {
      const d = await prepareBrown();
      log(`brown: ${d.train.rows} train rows, ${d.test.rows} test rows, ${d.train.neurons} neurons, ${d.classes.length} classes`);
      const def = await trainAndTest(gemm, d, 'default', log);
      log(`default: ${describe(def)}`);
      const neurox = await neuroxReference(d, log);
      if (neurox.missing) log(`neurox reference: MISSING: ${neurox.missing}`);
      else log(`neurox reference (torch ${neurox.torch}, ${neurox.threads} thread(s)): ${neurox.seconds!.toFixed(2)} s (cpu ${neurox.cpuSeconds!.toFixed(2)} s), test acc ${(neurox.testAccuracy! * 100).toFixed(2)}%`);
      const again = await trainAndTest(gemm, d, 'default', log);
      log(`default again: ${describe(again)}`);
      const after = await measureGflops(gemm, 1024);
      figures.peakGflops1024Measures.push(after);
      figures.peakGflops1024 = Math.max(before, after);
      log(`gemm 1024^3 again: ${after.toFixed(1)} GFLOP/s (peak: the higher, ${figures.peakGflops1024.toFixed(1)})`);
      const stepShapeGflops = await shapeGflops(gemm, def.batchRows, d.train.neurons, d.classes.length);
      log(`sgemm at the step's shapes (${def.batchRows} x ${d.train.neurons} x ${d.classes.length}, both products): ${stepShapeGflops.toFixed(1)} GFLOP/s`);
      const seconds = (def.seconds + again.seconds) / 2;
      const accuracy = (def.testAccuracy + again.testAccuracy) / 2;
      figures.brown = {
        trainRows: d.train.rows,
        testRows: d.test.rows,
        neurons: d.train.neurons,
        classes: d.classes.length,
        default: def,
        defaultAgain: again,
        gemmShareOfPeak: (def.gemmGflops + again.gemmGflops) / 2 / figures.peakGflops1024,
        stepShapeGflops,
        neurox,
        ...(neurox.missing
          ? {}
          : {
              speedRatio: neurox.seconds! / seconds,
              cpuRatio: neurox.cpuSeconds! / ((def.cpuSeconds + again.cpuSeconds) / 2),
              accuracyGain: accuracy - neurox.testAccuracy!,
            }),
      };
      if (opts.grainNeurox) {
        const nx = await trainAndTest(gemm, d, 'neurox', log);
        log(`grain's neurox-compatible mode: ${describe(nx)}`);
        figures.brown.grainNeuroxMode = nx;
      }
      const b = figures.brown;
      log(
        `products ${((def.gemmGflops + again.gemmGflops) / 2).toFixed(1)} GFLOP/s = ${(100 * b.gemmShareOfPeak).toFixed(0)}% of the SGEMM peak ${figures.peakGflops1024.toFixed(1)} (goal >= 50%) ${b.gemmShareOfPeak >= 0.5 ? 'OK' : 'MISSED'}`,
      );
      if (b.speedRatio !== undefined) {
        log(
          `speed ratio NeuroX (torch) / Grain default: ${b.speedRatio.toFixed(1)}x wall, ${b.cpuRatio!.toFixed(1)}x cpu (goal >= 5x) ${b.speedRatio >= 5 ? 'OK' : 'MISSED'}; ` +
            `accuracy ${(100 * accuracy).toFixed(2)}% vs ${(100 * neurox.testAccuracy!).toFixed(2)}% (goal: no lower) ${b.accuracyGain! >= 0 ? 'OK' : 'MISSED'}`,
        );
      }
    }
    if (opts.synthetic !== false) {
      const rows = 50_000;
      const neurons = 9984; // 13 layers x 768, BERT-base
      const classes = 45;
      const { source, y } = syntheticBert(rows, neurons, classes);
      const t0 = performance.now();
      const { report } = await trainProbe(source, y, { lambdaL1: LAMBDA, lambdaL2: LAMBDA, gemm, epochs: 5 });
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
  runProbeBench({ brown: !args.includes('--synthetic-only'), synthetic: !args.includes('--brown-only'), grainNeurox: args.includes('--grain-neurox'), log: (s) => console.log(s) })
    .then((f) => console.log(JSON.stringify(f, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
