import type { Job } from '../jobs';

/** Host -> worker. */
export type HostToWorker =
  | { type: 'run'; id: number; job: Job }
  | { type: 'cancel'; id: number };

export interface Progress {
  /** What is being done, for a status line: "extracting", "training probe", ... */
  stage: string;
  done: number;
  total: number;
}

/** Worker -> host. `id` names the job the message belongs to. */
export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'warning'; id: number; message: string }
  | { type: 'log'; id: number; message: string }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; error: WorkerError };

export interface WorkerError {
  /** GrainError (the user's input is wrong), cancelled, or internal (a bug). */
  kind: 'user' | 'cancelled' | 'internal';
  message: string;
  file?: string;
  line?: number;
  stack?: string;
}
