import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NeuronStatsJob } from '../shared/jobs';
import { extractTo } from '../core/extract/extractor';
import { resolveModelPath } from '../core/runtime/model-path';
import { NeuronStatsAccumulator } from '../core/heat/neuron-stats';
import type { NeuronStatsFile, NeuronStatsResult } from '../shared/job-results';
import { GrainError, throwIfAborted } from '../core/errors';
import { writeJsonAtomic } from '../core/io/atomic';
import { readJsonFile } from '../core/io/json-file';
import { openActivations } from '../core/store';
import { readSentenceFile } from '../core/text';
import type { JobContext } from './context';
import { cachedModel } from './model-cache';

/**
 * Mean and standard deviation of every neuron over a corpus (by default the bundled Brown test
 * sentences), computed once per model and settings and saved; a saved file is reused while the
 * model file, the aggregation, the sites and the corpus are the same.
 */
export async function runNeuronStats(job: NeuronStatsJob, ctx: JobContext): Promise<NeuronStatsResult> {
  const started = performance.now();
  const { modelPath } = resolveModelPath(job.model);
  const modelStat = statSync(modelPath);
  const corpus = resolve(job.activations ?? job.corpus ?? '');
  if (!job.activations && !job.corpus) throw new GrainError('neuron statistics need a corpus (a sentence file) or extracted activations');
  const corpusKind: NeuronStatsFile['corpusKind'] = job.activations ? 'activations' : 'sentences';
  const want = { model: modelPath, modelBytes: modelStat.size, modelMtimeMs: modelStat.mtimeMs, aggregation: job.aggregation, sites: job.sites, corpus, corpusKind };

  if (!job.force) {
    const saved = readSaved(job.out);
    if (saved && (Object.keys(want) as (keyof typeof want)[]).every((k) => saved[k] === want[k])) {
      return { path: job.out, cached: true, siteInfo: saved.siteInfo, neurons: saved.neurons, rows: saved.rows, corpus: saved.corpus, seconds: 0 };
    }
  }

  const acc = new NeuronStatsAccumulator();
  let siteInfo: { name: string; width: number }[];
  if (job.activations) {
    const source = await openActivations(job.activations, ctx.signal);
    try {
      siteInfo = source.sites.map((s) => ({ name: s.name, width: s.width }));
      acc.reset(source.neurons);
      for (const chunk of source.chunks(4096)) {
        throwIfAborted(ctx.signal);
        acc.addRows(chunk.data, chunk.rows);
        ctx.progress({ stage: 'neuron statistics', done: chunk.start + chunk.rows, total: source.rows });
      }
    } finally {
      source.close();
    }
    const model = await cachedModel(job.model, job.sites, job.threads);
    if (model.neurons !== acc.result().neurons) {
      throw new GrainError(`these activations have ${source.neurons} neurons but the model ${model.dir} has ${model.neurons} at sites '${job.sites}': they were not extracted from this model with these settings`, { file: job.activations });
    }
  } else {
    const { sentences, lines } = readSentenceFile(corpus);
    ctx.progress({ stage: 'loading model', done: 0, total: sentences.length });
    const model = await cachedModel(job.model, job.sites, job.threads);
    siteInfo = model.sites.map((s) => ({ name: s.name, width: s.width }));
    await extractTo(
      model,
      {
        sentences,
        lines,
        source: corpus,
        aggregation: job.aggregation,
        subword: false,
        keepSpecial: false,
        batchSize: job.batchSize,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ stage: 'neuron statistics', done, total }),
      },
      acc,
    );
  }
  const stats = acc.result();
  const seconds = (performance.now() - started) / 1000;
  const file: NeuronStatsFile = {
    schema: 'grain.neuron-stats',
    version: 1,
    ...want,
    siteInfo,
    neurons: stats.neurons,
    rows: stats.rows,
    mean: Array.from(stats.mean),
    std: Array.from(stats.std),
    seconds,
  };
  writeJsonAtomic(job.out, file);
  ctx.log(`neuron statistics of ${modelPath} over ${stats.rows} words of ${corpus} in ${seconds.toFixed(1)} s: ${job.out}`);
  return { path: job.out, cached: false, siteInfo, neurons: stats.neurons, rows: stats.rows, corpus, seconds };
}

function readSaved(path: string): NeuronStatsFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as NeuronStatsFile;
    if (f.schema !== 'grain.neuron-stats' || f.version !== 1 || f.mean.length !== f.neurons || f.std.length !== f.neurons) return undefined;
    return f;
  } catch {
    return undefined;
  }
}

/** Reads a statistics file written by this job; a GrainError naming the file when it is not one. */
export function readNeuronStats(path: string): NeuronStatsFile {
  const f = readJsonFile(path) as NeuronStatsFile;
  if (f.schema !== 'grain.neuron-stats' || f.version !== 1 || !Array.isArray(f.mean) || f.mean.length !== f.neurons || f.std?.length !== f.neurons) {
    throw new GrainError('not a Grain neuron statistics file (schema grain.neuron-stats, version 1)', { file: path });
  }
  return f;
}
