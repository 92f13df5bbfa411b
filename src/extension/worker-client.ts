import '../core/runtime/telemetry-off';
import { Worker } from 'node:worker_threads';
import type { JobKind, JobOf, JobResults } from '../shared/jobs';
import type { Progress, WorkerError, WorkerToHost } from '../shared/protocol/worker';

export interface JobHandlers {
  onProgress?: (p: Progress) => void;
  onWarning?: (message: string) => void;
  onLog?: (message: string) => void;
}

/** A job failed: `error.kind` says whether the input was wrong, it was cancelled, or Grain broke. */
export class JobFailedError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
    this.name = 'JobFailedError';
  }
}

export interface RunningJob<T> {
  id: number;
  result: Promise<T>;
  cancel(): void;
}

interface Pending extends JobHandlers {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/**
 * The host side of the worker: starts dist/worker.js, runs jobs there, and when the worker dies
 * (a crash in native code, out of memory) fails the jobs it held with a clear message and
 * starts a fresh worker for the next job.
 */
export class WorkerClient {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Called when the worker died unexpectedly, with why. */
  onCrash?: (message: string) => void;

  constructor(private readonly workerPath: string, private readonly resourceLimits?: { maxOldGenerationSizeMb?: number }) {}

  /** Runs a job in the worker; its result has the type the job kind returns (shared/jobs JobResults). */
  run<K extends JobKind>(job: JobOf<K>, handlers: JobHandlers = {}): RunningJob<JobResults[K]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const result = new Promise<JobResults[K]>((resolve, reject) => {
      // The worker ran the job of this kind: its 'done' message carries that kind's result.
      this.pending.set(id, { ...handlers, resolve: (v) => resolve(v as JobResults[K]), reject });
    });
    worker.postMessage({ type: 'run', id, job });
    return { id, result, cancel: () => this.worker?.postMessage({ type: 'cancel', id }) };
  }

  /** Number of jobs started and not yet finished. */
  get busy(): number {
    return this.pending.size;
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll({ kind: 'cancelled', message: 'the worker was stopped' });
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: this.resourceLimits });
    worker.on('message', (m: WorkerToHost) => this.onMessage(m));
    worker.on('error', (e) => this.onDeath(worker, `the analysis worker crashed: ${e.message}`));
    worker.on('exit', (code) => this.onDeath(worker, `the analysis worker exited unexpectedly (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private onDeath(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.pending.size > 0) this.onCrash?.(message);
    this.failAll({ kind: 'internal', message: `${message}; the job was lost, nothing partial was saved, and a new worker takes the next job` });
  }

  private failAll(error: WorkerError): void {
    for (const p of this.pending.values()) p.reject(new JobFailedError(error));
    this.pending.clear();
  }

  private onMessage(m: WorkerToHost): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.onProgress?.(m.progress);
        break;
      case 'warning':
        p.onWarning?.(m.message);
        break;
      case 'log':
        p.onLog?.(m.message);
        break;
      case 'done':
        this.pending.delete(m.id);
        p.resolve(m.result);
        break;
      case 'failed':
        this.pending.delete(m.id);
        p.reject(new JobFailedError(m.error));
        break;
    }
  }
}
