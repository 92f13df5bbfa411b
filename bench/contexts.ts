import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openExtractionModel, type ExtractionModel } from '../src/core/extract/model';
import { extractTo } from '../src/core/extract/extractor';
import { TopContextsAccumulator } from '../src/core/contexts/top-k';
import { MemorySink, type ActivationSink } from '../src/core/store';
import { readSentenceFile } from '../src/core/text';
import { runContexts } from '../src/jobs/contexts';
import { DEFAULTS } from '../src/shared/defaults';

const TEXT = 'models/brown-test-2000.txt';
const BATCH = 32;

export interface ContextsFigures {
  model: string;
  neurons: number;
  words: number;
  top: number;
  /** Extraction into a sink that keeps nothing: the model, tokenizing and aggregation alone. */
  extractSeconds: number;
  /** The same extraction into the top-contexts accumulator: top and bottom k of every neuron, plus mean and std, in the one pass. */
  contextsSeconds: number;
  /** contextsSeconds / extractSeconds - 1. */
  overhead: number;
  /** The same two in CPU seconds of the process (every thread), steadier than wall time on shared cores. */
  extractCpuSeconds: number;
  contextsCpuSeconds: number;
  cpuOverhead: number;
  /** The accumulator alone over the activations in memory (no model): what the heaps cost. */
  accumulateSeconds: number;
  /** Activations per second through the accumulator. */
  valuesPerSecond: number;
  /** `grain contexts` as a job, end to end (model loading, the pass, sentences, the JSON file). */
  jobSeconds: number;
}

/** Keeps nothing: what extraction costs without any sink work. */
const nullSink: ActivationSink = { begin: async () => {}, appendRows: () => {}, endSentence: () => {}, close: async () => {}, abort: async () => {} };

/**
 * Top contexts of every neuron of brown-lstm-s1 over brown-test-2000 in one pass, against the
 * same extraction with a sink that does nothing; rounds alternate and each keeps its best of three.
 */
export async function runContextsBench(modelDir: string, threads: number): Promise<ContextsFigures> {
  const { sentences } = readSentenceFile(TEXT);
  const words = sentences.reduce((n, s) => n + s.length, 0);
  const top = DEFAULTS.contexts.top;
  const model = await openExtractionModel(modelDir, { sites: 'layers', threads });
  const req = { sentences, aggregation: 'last' as const, subword: false, keepSpecial: false, batchSize: BATCH };
  let extract = { wall: Infinity, cpu: Infinity };
  let contexts = { wall: Infinity, cpu: Infinity };
  let accumulate = Infinity;
  const best = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => ({ wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) });
  try {
    const memory = new MemorySink();
    await extractTo(model, req, memory);
    const acts = memory.result();
    for (let round = 0; round < 3; round++) {
      extract = best(extract, await timed(() => extractTo(model, req, nullSink)));
      contexts = best(contexts, await timed(() => extractTo(model, req, new TopContextsAccumulator(top))));
      accumulate = Math.min(accumulate, (await timed(async () => accumulateOnly(acts.data, acts.neurons, top))).wall);
    }
    const jobSeconds = await timeJob(model, modelDir, threads);
    return {
      model: modelDir,
      neurons: model.neurons,
      words,
      top,
      extractSeconds: extract.wall,
      contextsSeconds: contexts.wall,
      overhead: contexts.wall / extract.wall - 1,
      extractCpuSeconds: extract.cpu,
      contextsCpuSeconds: contexts.cpu,
      cpuOverhead: contexts.cpu / extract.cpu - 1,
      accumulateSeconds: accumulate,
      valuesPerSecond: (words * model.neurons) / accumulate,
      jobSeconds,
    };
  } finally {
    await model.close();
  }
}

function accumulateOnly(data: Float32Array, neurons: number, top: number): void {
  const acc = new TopContextsAccumulator(top);
  acc.reset(neurons);
  const rows = data.length / neurons;
  for (let at = 0; at < rows; at += 4096) acc.addRows(data.subarray(at * neurons, Math.min(rows, at + 4096) * neurons), Math.min(4096, rows - at));
  acc.result();
}

async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

async function timeJob(model: ExtractionModel, modelDir: string, threads: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'grain-bench-contexts-'));
  try {
    const job = { kind: 'contexts' as const, model: modelDir, input: TEXT, out: join(dir, 'contexts.json'), top: DEFAULTS.contexts.top, aggregation: 'last' as const, sites: 'layers' as const, batchSize: BATCH, threads };
    const r = await runContexts(job, { progress() {}, warn() {}, log() {}, signal: new AbortController().signal });
    if (r.neurons !== model.neurons) throw new Error(`the job computed ${r.neurons} neurons, not ${model.neurons}`);
    return r.seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
