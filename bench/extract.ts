import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openExtractionModel, type ExtractionModel } from '../src/core/extract/model';
import { extractTo } from '../src/core/extract/extractor';
import { planBatches } from '../src/core/extract/batches';
import { readSentenceFile } from '../src/core/text';
import { createSink } from '../src/core/store';
import { ort } from '../src/core/runtime/ort';
import { buildFeeds, planFeeds } from '../src/core/runtime/feeds';
import { modelInputs, readOnnxModel } from '../src/core/onnx';

const TEXT = 'models/brown-test-2000.txt';
const BATCH = 32;

export interface ThroughputFigures {
  model: string;
  words: number;
  /** The user's model.onnx as it is (its own outputs), run by onnxruntime over the same batches. */
  bareSeconds: number;
  /** The edited session whose only outputs are the sites: Grain's forward passes with nothing else. */
  sitesOnlySeconds: number;
  grainSeconds: number;
  bareWordsPerSecond: number;
  grainWordsPerSecond: number;
  /** Grain's time over the bare forward pass's, minus one: 0.05 = 5% overhead. */
  overhead: number;
  /** Grain's time over the sites-only passes', minus one: the cost of tokenizing, aggregating and writing. */
  overheadOverSitesOnly: number;
}

/**
 * Grain's extraction (tokenize, batch, run, aggregate, write a .grain file) against a bare
 * onnxruntime forward pass of the same model (model.onnx as shipped) over the same padded
 * batches, and against the edited session with only the site outputs. Runs alternate and each
 * keeps its best of three, so all see the same machine state.
 */
export async function extractionThroughput(modelDir: string, threads: number): Promise<ThroughputFigures> {
  const { sentences } = readSentenceFile(TEXT);
  const words = sentences.reduce((n, s) => n + s.length, 0);
  const model = await openExtractionModel(modelDir, { sites: 'layers', threads });
  const out = mkdtempSync(join(tmpdir(), 'grain-bench-'));
  try {
    const batches = sameBatches(model, sentences);
    const original = await ort.InferenceSession.create(model.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const feedPlan = planFeeds(modelInputs(readOnnxModel(model.modelPath)), model.modelPath);
    const padId = model.tokenizer.padId ?? model.tokenizer.eosId ?? 0;
    const runOriginal = async (b: Int32Array[]) => {
      await original.run(buildFeeds(feedPlan, b, b.reduce((n, x) => Math.max(n, x.length), 0), padId));
    };
    let bare = Infinity;
    let sitesOnly = Infinity;
    let grain = Infinity;
    try {
      for (let round = 0; round < 3; round++) {
        bare = Math.min(bare, await timeRuns(runOriginal, batches));
        sitesOnly = Math.min(sitesOnly, await timeRuns((b) => model.runBare(b), batches));
        grain = Math.min(grain, await timeGrain(model, sentences, join(out, 'a.grain')));
      }
    } finally {
      await original.release();
    }
    return {
      model: modelDir,
      words,
      bareSeconds: bare,
      sitesOnlySeconds: sitesOnly,
      grainSeconds: grain,
      bareWordsPerSecond: words / bare,
      grainWordsPerSecond: words / grain,
      overhead: grain / bare - 1,
      overheadOverSitesOnly: grain / sitesOnly - 1,
    };
  } finally {
    await model.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function sameBatches(model: ExtractionModel, sentences: string[][]): Int32Array[][] {
  const ids = sentences.map((s) => model.tokenizer.encodeWords(s, { maxLength: model.maxLength }).ids);
  const lengths = Int32Array.from(ids, (x) => x.length);
  const window = BATCH * 32;
  const batches: Int32Array[][] = [];
  for (let from = 0; from < ids.length; from += window) {
    for (const b of planBatches(lengths, from, Math.min(ids.length, from + window), BATCH, !model.padSafe)) {
      batches.push(b.map((i) => ids[i]));
    }
  }
  return batches;
}

/** Forward passes alone over the batches (onnxruntime-node runs them on the calling thread). */
async function timeRuns(run: (b: Int32Array[]) => Promise<void>, batches: Int32Array[][]): Promise<number> {
  const t = performance.now();
  for (const b of batches) await run(b);
  return (performance.now() - t) / 1000;
}

async function timeGrain(model: ExtractionModel, sentences: string[][], out: string): Promise<number> {
  const t = performance.now();
  await extractTo(model, { sentences, aggregation: 'last', subword: false, keepSpecial: false, batchSize: BATCH }, createSink(out, 'grain', { dtype: 'float32' }));
  return (performance.now() - t) / 1000;
}

export interface MemoryFigures {
  model: string;
  sites: string;
  peakRssBytes: number;
  activationBytes: number;
  modelBytes: number;
  /** Peak resident memory over (activation bytes written + model file). */
  ratio: number;
}

/** Peak memory of a whole `grain extract` process (the built CLI), measured by the kernel. */
export function extractionPeakMemory(modelDir: string, sites: 'layers' | 'all'): MemoryFigures {
  const out = mkdtempSync(join(tmpdir(), 'grain-bench-'));
  try {
    const file = join(out, 'acts.grain');
    const run = spawnSync(process.execPath, ['dist/cli.js', 'extract', '--model', modelDir, '--input', TEXT, '--out', file, '--sites', sites], {
      env: { ...process.env, GRAIN_PRINT_MAXRSS: '1' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`grain extract failed: ${run.stderr}`);
    const match = /maxrss_kb=(\d+)/.exec(run.stderr);
    if (!match) throw new Error('the CLI did not report its peak memory');
    const peakRssBytes = Number(match[1]) * 1024;
    const activationBytes = statSync(file).size;
    const modelBytes = statSync(join(modelDir, 'model.onnx')).size;
    return { model: modelDir, sites, peakRssBytes, activationBytes, modelBytes, ratio: peakRssBytes / (activationBytes + modelBytes) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
