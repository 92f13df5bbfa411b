import type { Job, LabelledData } from '../shared/jobs';
import { checkOutputPath, type RunInputs } from '../core/io/output-guard';
import { corpusFiles } from '../core/text/corpus-files';
import { DEFAULTS } from '../shared/defaults';

/** What a job reads: the files and model folders it is given. */
export function jobInputs(job: Job): RunInputs {
  switch (job.kind) {
    case 'extract':
      return { files: [job.input], models: [job.model] };
    case 'correlate':
      return job.activations ? { files: [job.input, ...job.activations], models: [] } : { files: [job.input], models: job.models };
    case 'probe':
    case 'rank':
      return { files: [...dataFiles(job.data), job.activations, job.testActivations], models: [job.model] };
    case 'annotate':
      return { files: dataFiles(job.data), models: [] };
    case 'experiment':
      return { files: [...dataFiles(job.data), job.activations, job.testActivations, job.ranking], models: [job.model] };
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
    case 'contexts':
      return { files: [job.input, ...corpusFilesOrNone(job.input)], models: [job.model] };
    case 'describe':
      return { files: [job.probe, job.contexts], models: [] };
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
    case 'sentences':
      return [data.input, data.labels, data.testInput, data.testLabels];
    case 'concept':
      return [...(data.concept.kind === 'words' ? [data.concept.file] : []), ...(data.from.kind === 'text' ? [data.from.input, data.from.testInput] : dataFiles(data.from))];
  }
}

/** The text files of a corpus folder (the job itself says what is wrong with a missing or empty one). */
function corpusFilesOrNone(input: string): string[] {
  try {
    return corpusFiles(input, DEFAULTS.contexts.extensions);
  } catch {
    return [];
  }
}
