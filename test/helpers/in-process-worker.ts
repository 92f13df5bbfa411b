// A worker client that runs Grain's jobs (src/jobs, the code dist/worker.js runs) in the test
// process, for GrainWorker in unit tests: real results, with the test deciding when a job may
// finish (held jobs), and the worker's error kinds (user, cancelled, internal).
import { CancelledError, GrainError } from '../../src/core/errors';
import { runJob } from '../../src/jobs';
import { JobFailedError, type JobHandlers, type RunningJob } from '../../src/extension/worker-client';
import type { JobClient } from '../../src/extension/worker-host';
import type { Job, JobKind, JobOf, JobResults } from '../../src/shared/jobs';
import type { WorkerError } from '../../src/shared/protocol/worker';

export interface StartedJob {
  id: number;
  job: Job;
  /** The host asked to cancel it. */
  cancelled: boolean;
  /** It finished (done, failed or cancelled). */
  settled: boolean;
  /** What it returned, once done. */
  result?: unknown;
  /** Lets a held job run now; resolves once it has finished. */
  release(): Promise<void>;
}

/** Mirrors src/worker/main.ts toWorkerError. */
function toWorkerError(e: unknown, signal: AbortSignal): WorkerError {
  if (e instanceof CancelledError || signal.aborted) return { kind: 'cancelled', message: 'cancelled' };
  if (e instanceof GrainError) return { kind: 'user', message: e.message, file: e.where.file, line: e.where.line };
  const err = e as Error;
  return { kind: 'internal', message: err?.message ?? String(e), stack: err?.stack };
}

export class InProcessClient implements JobClient {
  onCrash?: (message: string) => void;
  readonly started: StartedJob[] = [];
  /** Jobs of these kinds wait for release() before they run; others run at once. */
  readonly hold = new Set<JobKind>();
  /** When set, jobs of this kind fail with this error instead of running. */
  readonly fail = new Map<JobKind, WorkerError>();
  private nextId = 1;

  run<K extends JobKind>(job: JobOf<K>, handlers: JobHandlers = {}): RunningJob<JobResults[K]> {
    const id = this.nextId++;
    const controller = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    if (!this.hold.has(job.kind)) release();
    const failure = this.fail.get(job.kind);
    const result = gate
      .then(() => {
        if (controller.signal.aborted) throw new CancelledError();
        if (failure) throw Object.assign(new Error(failure.message), { workerError: failure });
        return runJob(job, {
          signal: controller.signal,
          progress: (p) => handlers.onProgress?.(p),
          warn: (m) => handlers.onWarning?.(m),
          log: (m) => handlers.onLog?.(m),
        });
      })
      .catch((e: unknown) => {
        const given = (e as { workerError?: WorkerError }).workerError;
        throw new JobFailedError(given ?? toWorkerError(e, controller.signal));
      })
      .then((value) => {
        entry.result = value;
        return value;
      })
      .finally(() => {
        entry.settled = true;
      });
    const entry: StartedJob = {
      id,
      job,
      cancelled: false,
      settled: false,
      release: () => {
        release();
        return result.then(
          () => undefined,
          () => undefined,
        );
      },
    };
    this.started.push(entry);
    return {
      id,
      result,
      cancel: () => {
        entry.cancelled = true;
        controller.abort();
        // A held job that is cancelled ends at once, as the worker ends a cancelled job.
        release();
      },
    };
  }

  /** The started jobs of one kind, in order. */
  jobs<K extends JobKind>(kind: K): (StartedJob & { job: JobOf<K> })[] {
    return this.started.filter((s): s is StartedJob & { job: JobOf<K> } => s.job.kind === kind);
  }

  dispose(): Promise<void> {
    for (const s of this.started) if (!s.settled) void s.release();
    return Promise.resolve();
  }
}
