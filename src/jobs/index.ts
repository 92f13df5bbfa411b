/** The jobs the worker and the CLI both run: one table from job kind to the function that runs it. */
import type { JobKind, JobOf, JobResults } from '../shared/jobs';
import type { JobContext } from './context';
import { checkJobOutput } from './files';
import { runExtract } from './extract';
import { runCorrelate } from './correlate';
import { runProbe } from './probe';
import { runExperiment } from './experiment';
import { runAnnotate } from './annotate';
import { runRank } from './rank';
import { runAblate } from './ablate';
import { runNeuronStats } from './neuron-stats';
import { runTextActivations } from './text-activations';
import { runInspect } from './inspect';
import { runContexts } from './contexts';
import { runDescribe } from './describe';
import { runProbePredictions } from './probe-predictions';
import { runNeuronPartner } from './neuron-partner';

type Runners = { [K in JobKind]: (job: JobOf<K>, ctx: JobContext) => Promise<JobResults[K]> };

const RUNNERS: Runners = {
  extract: runExtract,
  correlate: runCorrelate,
  probe: runProbe,
  experiment: runExperiment,
  annotate: runAnnotate,
  rank: runRank,
  ablate: runAblate,
  'neuron-stats': runNeuronStats,
  'text-activations': runTextActivations,
  'probe-predictions': runProbePredictions,
  'neuron-partner': runNeuronPartner,
  inspect: runInspect,
  contexts: runContexts,
  describe: runDescribe,
};

/** Runs a job after checking that its output overwrites none of its inputs and can be written. */
export async function runJob<K extends JobKind>(job: JobOf<K>, ctx: JobContext): Promise<JobResults[K]> {
  checkJobOutput(job);
  const run: Runners[K] = RUNNERS[job.kind as K];
  return run(job, ctx);
}
