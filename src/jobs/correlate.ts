import type { CorrelateJob } from '../shared/jobs';
import { header, toJson, type CorrelationResult } from '../shared/results';
import { GRAIN_VERSION } from '../shared/version';
import { GrainError } from '../core/errors';
import { correlateModels } from '../core/correlate';
import type { ActivationSource } from '../core/store';
import { readSentenceFile } from '../core/text';
import { writeJsonAtomic } from '../core/io/atomic';
import type { JobContext } from './context';
import { extractToStore, openMatchingActivations } from './activations';
import { findSites, readGrainConfig, readOnnxModel } from '../core/onnx';
import { resolveModelPath } from '../core/runtime/model-path';
import { modelDisplayName } from '../core/model/folder';
import { withTempDir } from './temp';

/** Cross-model correlation of two or more models over the same text, written as a result file. */
export async function runCorrelate(job: CorrelateJob, ctx: JobContext): Promise<CorrelationResult> {
  const inputs = job.activations ?? job.models;
  if (inputs.length < 2) throw new GrainError(`correlation needs at least two models (got ${inputs.length})`);
  if (!job.activations) checkSameSites(job.models, job.sites);
  else if (job.layerFilter) throw new GrainError('a layer filter chooses what is extracted; with --activations nothing is');
  const text = { ...readSentenceFile(job.input), source: job.input };
  return withTempDir(async (dir) => {
    const sources: ActivationSource[] = [];
    let extractSeconds = 0;
    try {
      for (let i = 0; i < inputs.length; i++) {
        if (job.activations) {
          sources.push(await openMatchingActivations(job.activations[i], text, ctx));
        } else {
          const { source, seconds } = await extractToStore(job.models[i], text, job, dir, `model${i + 1}`, ctx);
          sources.push(source);
          extractSeconds += seconds;
        }
      }
      const started = performance.now();
      const names = job.models.map((m, i) => job.models[i] ? modelDisplayName(m) : `model${i + 1}`);
      const report = await correlateModels(
        sources.map((source, i) => ({ name: names[i], source })),
        { signal: ctx.signal, onProgress: (done, total) => ctx.progress({ stage: 'correlating', done, total }) },
      );
      const result: CorrelationResult = {
        ...header('correlation', GRAIN_VERSION),
        input: job.input,
        models: inputs,
        sites: sources[0].sites,
        neurons: report.neurons,
        rows: report.rows,
        constantNeurons: report.constantNeurons,
        perModel: toJson(report.perModel),
        cka: toJson(report.cka),
        timings: { extractSeconds, correlateSeconds: (performance.now() - started) / 1000 },
      };
      if (report.constantNeurons > 0) ctx.warn(`${report.constantNeurons} neuron(s) are constant over this text; their correlations are defined as 0`);
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      for (const s of sources) s.close();
    }
  });
}

/**
 * Models with different layer sites cannot be compared neuron by neuron: say so before spending
 * minutes extracting them (widths, known only after a run, are checked again on the activations).
 */
function checkSameSites(models: string[], sites: CorrelateJob['sites']): void {
  const found = models.map((m) => {
    const { dir, modelPath } = resolveModelPath(m);
    return findSites(readOnnxModel(modelPath), { sites, explicit: readGrainConfig(dir), source: modelPath }).map((s) => s.name);
  });
  for (let i = 1; i < models.length; i++) {
    if (found[i].join(',') !== found[0].join(',')) {
      throw new GrainError(
        `models of different kinds cannot be correlated: ${modelDisplayName(models[0])} has sites ${found[0].join(', ')} but ${modelDisplayName(models[i])} has ${found[i].join(', ')}`,
      );
    }
  }
}
