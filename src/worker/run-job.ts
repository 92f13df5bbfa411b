import type { Job } from '../shared/jobs';
import type { JobContext } from './jobs/context';
import { runExtract } from './jobs/extract';
import { runCorrelate } from './jobs/correlate';
import { runProbe } from './jobs/probe';
import { runExperiment } from './jobs/experiment';
import { runAblate } from './jobs/ablate';
import { runNeuronStats } from './jobs/neuron-stats';
import { runTextActivations } from './jobs/text-activations';

/** Every job kind and the function that runs it; the CLI and the worker share this table. */
export async function runJob(job: Job, ctx: JobContext): Promise<unknown> {
  switch (job.kind) {
    case 'extract':
      return runExtract(job, ctx);
    case 'correlate':
      return runCorrelate(job, ctx);
    case 'probe':
      return runProbe(job, ctx);
    case 'experiment':
      return runExperiment(job, ctx);
    case 'ablate':
      return runAblate(job, ctx);
    case 'neuron-stats':
      return runNeuronStats(job, ctx);
    case 'text-activations':
      return runTextActivations(job, ctx);
    default: {
      const unknown: never = job;
      throw new Error(`unknown job kind ${String((unknown as { kind?: string }).kind)}`);
    }
  }
}
