import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openExtractionModel, type ExtractionModel } from '../src/core/extract/model';
import { extractTo } from '../src/core/extract/extractor';
import { planBatches } from '../src/core/extract/batches';
import { readSentenceFile } from '../src/core/text';
import { createSink, MemorySink, type ActivationFormat } from '../src/core/store';
import { ort } from '../src/core/runtime/ort';
import { buildFeeds, planFeeds } from '../src/core/runtime/feeds';
import { modelInputs, readOnnxModel } from '../src/core/onnx';
import type { ActivationMatrix } from '../src/core/activations';
import { median } from '../src/core/median';

const TEXT = 'models/brown-test-2000.txt';
const BATCH = 32;

export interface ThroughputFigures {
  model: string;
  words: number;
  /** The user's model.onnx as it is (its own outputs, the LM head included), run by onnxruntime over the same batches. */
  bareSeconds: number;
  /** The edited session whose only outputs are the sites, on this thread: Grain's forward passes with nothing else (the goal's reference). */
  sitesOnlySeconds: number;
  /** Grain's extraction as it ships: the session on its own thread, aggregation and writing on this one. */
  grainSeconds: number;
  /** The same with the session on this thread (how extraction ran before), for comparison. */
  grainOwnThreadSeconds: number;
  bareWordsPerSecond: number;
  sitesOnlyWordsPerSecond: number;
  grainWordsPerSecond: number;
  /** Grain's time over the sites-only passes', minus one: the cost of tokenizing, aggregating and writing (goal <= 10%). */
  overheadOverSitesOnly: number;
  /**
   * The same overhead per round (the two runs back to back), median over the rounds: on a host
   * whose speed drifts between rounds, best-of-rounds can pair a fast moment with a slow one.
   */
  overheadPairedMedian: number;
  overheadOwnThread: number;
  /**
   * The same three as CPU seconds of this process (all its threads), best of the rounds: on a
   * shared machine less sensitive to other processes than wall time, though it cannot show overlap.
   */
  cpu: { sitesOnlySeconds: number; grainSeconds: number; grainOwnThreadSeconds: number; overhead: number; overheadOwnThread: number };
  /** Grain's time over model.onnx's, minus one (a model.onnx with an LM head costs more than the sites alone). */
  overhead: number;
}

/**
 * Grain's extraction (tokenize, batch, run, aggregate, write a .grain file) against the same
 * model's forward passes over the same padded batches: the edited session that outputs only the
 * sites (the reference), and model.onnx as shipped. Runs alternate and each keeps its best of
 * three, so all see the same machine state.
 */
export async function extractionThroughput(modelDir: string, threads: number, rounds = 3): Promise<ThroughputFigures> {
  const { sentences } = readSentenceFile(TEXT);
  const words = sentences.reduce((n, s) => n + s.length, 0);
  const sameThread = await openExtractionModel(modelDir, { sites: 'layers', threads });
  const ownThread = await openExtractionModel(modelDir, { sites: 'layers', threads, ownThread: true });
  const out = mkdtempSync(join(tmpdir(), 'grain-bench-'));
  try {
    const batches = sameBatches(sameThread, sentences);
    const original = await ort.InferenceSession.create(sameThread.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const feedPlan = planFeeds(modelInputs(readOnnxModel(sameThread.modelPath)), sameThread.modelPath);
    const padId = sameThread.tokenizer.padId ?? sameThread.tokenizer.eosId ?? 0;
    const runOriginal = async (b: Int32Array[]) => {
      await original.run(buildFeeds(feedPlan, b, b.reduce((n, x) => Math.max(n, x.length), 0), padId));
    };
    let bare = Infinity;
    let sitesOnly = Infinity;
    let grain = Infinity;
    let grainOwnThread = Infinity;
    const cpu = { sitesOnly: Infinity, grain: Infinity, grainOwnThread: Infinity };
    const paired: number[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        bare = Math.min(bare, await timeRuns(runOriginal, batches));
        let c = process.cpuUsage();
        const sitesOnlyRound = await timeRuns((b) => sameThread.runBare(b), batches);
        sitesOnly = Math.min(sitesOnly, sitesOnlyRound);
        cpu.sitesOnly = Math.min(cpu.sitesOnly, cpuSince(c));
        c = process.cpuUsage();
        const grainRound = await timeGrain(sameThread, sentences, join(out, 'a.grain'));
        grain = Math.min(grain, grainRound);
        paired.push(grainRound / sitesOnlyRound - 1);
        cpu.grain = Math.min(cpu.grain, cpuSince(c));
        c = process.cpuUsage();
        grainOwnThread = Math.min(grainOwnThread, await timeGrain(ownThread, sentences, join(out, 'b.grain')));
        cpu.grainOwnThread = Math.min(cpu.grainOwnThread, cpuSince(c));
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
      grainOwnThreadSeconds: grainOwnThread,
      bareWordsPerSecond: words / bare,
      sitesOnlyWordsPerSecond: words / sitesOnly,
      grainWordsPerSecond: words / grain,
      overheadOverSitesOnly: grain / sitesOnly - 1,
      overheadPairedMedian: median(paired),
      overheadOwnThread: grainOwnThread / sitesOnly - 1,
      overhead: grain / bare - 1,
      cpu: {
        sitesOnlySeconds: cpu.sitesOnly,
        grainSeconds: cpu.grain,
        grainOwnThreadSeconds: cpu.grainOwnThread,
        overhead: cpu.grain / cpu.sitesOnly - 1,
        overheadOwnThread: cpu.grainOwnThread / cpu.sitesOnly - 1,
      },
    };
  } finally {
    await sameThread.close();
    await ownThread.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** The batches extraction runs: sorted by length within slices of 32 batches, as the extractor plans them. */
function sameBatches(model: ExtractionModel, sentences: string[][]): Int32Array[][] {
  const ids = sentences.map((s) => model.tokenizer.encodeWords(s, { maxLength: model.maxLength }).ids);
  const lengths = Int32Array.from(ids, (x) => x.length);
  const window = BATCH * 32;
  const batches: Int32Array[][] = [];
  for (let from = 0; from < ids.length; from += window) {
    for (const b of planBatches(lengths, from, Math.min(ids.length, from + window), BATCH, !model.padSafe, BATCH * 64)) {
      batches.push(b.map((i) => ids[i]));
    }
  }
  return batches;
}

/** CPU seconds of this process (every thread) since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
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
function cliPeak(modelDir: string, input: string, sites: 'layers' | 'all'): { peakRssBytes: number; activationBytes: number } {
  const out = mkdtempSync(join(tmpdir(), 'grain-bench-'));
  try {
    const file = join(out, 'acts.grain');
    const run = spawnSync(process.execPath, ['dist/cli.js', 'extract', '--model', modelDir, '--input', input, '--out', file, '--sites', sites], {
      env: { ...process.env, GRAIN_PRINT_MAXRSS: '1' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`grain extract failed: ${run.stderr}`);
    const match = /maxrss_kb=(\d+)/.exec(run.stderr);
    if (!match) throw new Error('the CLI did not report its peak memory');
    return { peakRssBytes: Number(match[1]) * 1024, activationBytes: statSync(file).size };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function extractionPeakMemory(modelDir: string, sites: 'layers' | 'all'): MemoryFigures {
  const { peakRssBytes, activationBytes } = cliPeak(modelDir, TEXT, sites);
  const modelBytes = statSync(join(modelDir, 'model.onnx')).size;
  return { model: modelDir, sites, peakRssBytes, activationBytes, modelBytes, ratio: peakRssBytes / (activationBytes + modelBytes) };
}

export interface ScalingFigures {
  model: string;
  /** Peak RSS of `grain extract` on brown-test-2000 (2,000 sentences). */
  base: { sentences: number; words: number; peakRssBytes: number };
  /** The same text four times (8,000 sentences). */
  repeated: { sentences: number; words: number; peakRssBytes: number; ratio: number };
  /** One line of about 1 MB of Brown words (run as overlapping windows). */
  longLine: { bytes: number; words: number; peakRssBytes: number; ratio: number };
}

/** Peak memory as the corpus grows (4x the sentences) and as one line grows (1 MB): goal within 2x of the base. */
export function extractionMemoryScaling(modelDir: string): ScalingFigures {
  const dir = mkdtempSync(join(tmpdir(), 'grain-bench-mem-'));
  try {
    const text = readFileSync(TEXT, 'utf8');
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    const repeated = join(dir, 'x4.txt');
    writeFileSync(repeated, text.repeat(4));
    const line: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 1_000_000; i++) {
      const w = words[i % words.length];
      line.push(w);
      bytes += Buffer.byteLength(w) + 1;
    }
    const long = join(dir, 'line.txt');
    writeFileSync(long, line.join(' ') + '\n');
    const base = cliPeak(modelDir, TEXT, 'layers').peakRssBytes;
    const x4 = cliPeak(modelDir, repeated, 'layers').peakRssBytes;
    const one = cliPeak(modelDir, long, 'layers').peakRssBytes;
    const sentences = text.split('\n').filter((l) => l.trim().length > 0).length;
    return {
      model: modelDir,
      base: { sentences, words: words.length, peakRssBytes: base },
      repeated: { sentences: 4 * sentences, words: 4 * words.length, peakRssBytes: x4, ratio: x4 / base },
      longLine: { bytes: statSync(long).size, words: line.length, peakRssBytes: one, ratio: one / base },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WriterFigures {
  format: ActivationFormat;
  bytes: number;
  /** begin() to close(), best of the rounds. */
  seconds: number;
  mbPerSecond: number;
  /** This writer's seconds over the Grain store's. */
  ratioToGrain: number;
}

export interface StoreFigures {
  source: string;
  sentences: number;
  rows: number;
  neurons: number;
  writers: WriterFigures[];
}

/**
 * The writers on the same activations (brown-lstm-s1 over brown-test-2000, extracted once into
 * memory), replayed sentence by sentence as extraction hands them over; each keeps its best of
 * its rounds. The Grain store and HDF5, a few tenths of a second each, alternate for
 * `rounds` x 3 rounds (this host's speed drifts by a tenth within seconds); JSON, tens of
 * seconds, runs in the first `rounds`. JSON is text (shortest round-trip decimals), so its
 * bytes are not the others'.
 */
export async function writerThroughput(modelDir: string, threads: number, rounds = 3): Promise<StoreFigures> {
  const { sentences } = readSentenceFile(TEXT);
  const model = await openExtractionModel(modelDir, { sites: 'layers', threads });
  const memory = new MemorySink();
  try {
    await extractTo(model, { sentences, aggregation: 'last', subword: false, keepSpecial: false, batchSize: BATCH }, memory);
  } finally {
    await model.close();
  }
  const m = memory.result();
  const dir = mkdtempSync(join(tmpdir(), 'grain-bench-store-'));
  const best = new Map<ActivationFormat, { seconds: number; bytes: number }>();
  try {
    for (let round = 0; round < 3 * rounds; round++) {
      for (const format of round < rounds ? (['grain', 'hdf5', 'json'] as const) : (['grain', 'hdf5'] as const)) {
        const path = join(dir, `acts.${format}`);
        rmSync(path, { force: true });
        const seconds = await replay(m, sentences, path, format);
        const prev = best.get(format);
        if (!prev || seconds < prev.seconds) best.set(format, { seconds, bytes: statSync(path).size });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const grain = best.get('grain')!.seconds;
  return {
    source: `${modelDir} over ${TEXT}`,
    sentences: m.sentenceOffsets.length - 1,
    rows: m.tokens.length,
    neurons: m.neurons,
    writers: [...best].map(([format, { seconds, bytes }]) => ({ format, bytes, seconds, mbPerSecond: bytes / 2 ** 20 / seconds, ratioToGrain: seconds / grain })),
  };
}

async function replay(m: ActivationMatrix, sentences: string[][], path: string, format: ActivationFormat): Promise<number> {
  const t = performance.now();
  const sink = createSink(path, format, { dtype: 'float32' });
  await sink.begin(m.sites);
  for (let s = 0; s + 1 < m.sentenceOffsets.length; s++) {
    const from = m.sentenceOffsets[s];
    const to = m.sentenceOffsets[s + 1];
    await sink.appendRows(m.tokens.slice(from, to), m.data.subarray(from * m.neurons, to * m.neurons));
    await sink.endSentence(sentences[s]);
  }
  await sink.close();
  return (performance.now() - t) / 1000;
}
