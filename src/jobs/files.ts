import type { Job, LabelledData } from '../shared/jobs';
import { checkOutputPath, type RunInputs } from '../core/io/output-guard';

/** What a job reads: the files and model folders it is given. */
export function jobInputs(job: Job): RunInputs {
  switch (job.kind) {
    case 'extract':
      return { files: [job.input], models: [job.model] };
    case 'correlate':
      return job.activations ? { files: [job.input, ...job.activations], models: [] } : { files: [job.input], models: job.models };
    case 'probe':
    case 'experiment':
      return { files: [...dataFiles(job.data), job.activations, job.testActivations], models: [job.model] };
    case 'ablate':
      return { files: [job.input, ...(job.curve?.orderingFiles ?? [])], models: [job.model] };
    case 'neuron-stats':
      return { files: [job.corpus, job.activations], models: [job.model] };
    case 'text-activations':
      return { files: [job.stats, job.probe], models: [job.model] };
    case 'probe-predictions':
      return { files: [job.probe, job.stats], models: [job.model] };
    case 'neuron-partner':
      return { files: [], models: [job.model, job.other] };
    case 'inspect':
      return { files: [], models: [job.model] };
  }
}

/** The result file a job writes, if it writes one. */
export function jobOutput(job: Job): string | undefined {
  return 'out' in job ? job.out : undefined;
}

/** Refuses, before any work, an output that would overwrite an input or cannot be written. */
export function checkJobOutput(job: Job): void {
  const out = jobOutput(job);
  if (out !== undefined) checkOutputPath(out, jobInputs(job));
}

function dataFiles(data: LabelledData): (string | undefined)[] {
  switch (data.kind) {
    case 'pair':
      return [data.input, data.labels, data.testInput, data.testLabels];
    case 'conllu':
      return [data.train, data.test];
    case 'brown':
      return [];
  }
}
