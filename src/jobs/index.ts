import type { Job, JobKind } from '../shared/jobs';
import type { JobContext } from './context';
import { checkJobOutput } from './files';
import { runExtract } from './extract';
import { runCorrelate } from './correlate';
import { runProbe } from './probe';
import { runExperiment } from './experiment';
import { runAblate } from './ablate';
import { runNeuronStats } from './neuron-stats';
import { runTextActivations } from './text-activations';
import { runInspect } from './inspect';

type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;

type Runners = { [K in JobKind]: (job: JobOf<K>, ctx: JobContext) => Promise<unknown> };

/** Every job kind and the function that runs it; the CLI and the worker share this table. */
const RUNNERS = {
  extract: runExtract,
  correlate: runCorrelate,
  probe: runProbe,
  experiment: runExperiment,
  ablate: runAblate,
  'neuron-stats': runNeuronStats,
  'text-activations': runTextActivations,
  inspect: runInspect,
} satisfies Runners;

export type JobResult<K extends JobKind> = Awaited<ReturnType<(typeof RUNNERS)[K]>>;
type TypedRunners = { [K in JobKind]: (job: JobOf<K>, ctx: JobContext) => Promise<JobResult<K>> };

/** Runs a job after checking that its output overwrites none of its inputs and can be written. */
export async function runJob<K extends JobKind>(job: JobOf<K>, ctx: JobContext): Promise<JobResult<K>> {
  checkJobOutput(job);
  const runners: TypedRunners = RUNNERS;
  const run: TypedRunners[K] = runners[job.kind as K];
  return run(job, ctx);
}
