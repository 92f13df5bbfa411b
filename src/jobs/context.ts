import type { Progress } from '../shared/protocol/worker';

/** What a job may tell whoever runs it (the worker's host or the CLI), and how it is stopped. */
export interface JobContext {
  progress(p: Progress): void;
  warn(message: string): void;
  log(message: string): void;
  signal: AbortSignal;
}
