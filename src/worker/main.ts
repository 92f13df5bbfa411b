import { parentPort } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { CancelledError, GrainError } from '../core/errors';
import type { HostToWorker, WorkerError, WorkerToHost } from '../shared/protocol/worker';
import { runJob } from '../jobs';
import { sweepStaleTempDirs } from '../core/io/temp';
import { fileSystemError } from '../core/io/read-file';

/**
 * worker_threads entry: runs one job at a time as the host asks, streams progress, honours
 * cancel. A failed job is reported and the worker takes the next one.
 */
const port = parentPort;
if (!port) throw new Error('dist/worker.js must run in a worker thread');

lowerThreadPriority();
sweepStaleTempDirs();

const running = new Map<number, AbortController>();
const post = (m: WorkerToHost) => port.postMessage(m);

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  let last = 0;
  runJob(m.job, {
    signal: controller.signal,
    progress: (progress) => {
      // At most ~10 progress messages a second: the host only redraws a bar.
      const now = Date.now();
      if (now - last < 100 && progress.done < progress.total) return;
      last = now;
      post({ type: 'progress', id: m.id, progress });
    },
    warn: (message) => post({ type: 'warning', id: m.id, message }),
    log: (message) => post({ type: 'log', id: m.id, message }),
  })
    .then((result) => post({ type: 'done', id: m.id, result }))
    .catch((e: unknown) => post({ type: 'failed', id: m.id, error: toWorkerError(e, controller.signal) }))
    .finally(() => running.delete(m.id));
});

function toWorkerError(e: unknown, signal: AbortSignal): WorkerError {
  if (e instanceof CancelledError || signal.aborted) return { kind: 'cancelled', message: 'cancelled' };
  const user = e instanceof GrainError ? e : fileSystemError(e);
  if (user) return { kind: 'user', message: user.message, file: user.where.file, line: user.where.line };
  const err = e as Error;
  return { kind: 'internal', message: err?.message ?? String(e), stack: err?.stack };
}

/**
 * Analysis yields the CPU to the editor: on Linux, renice this thread (a task of its own), and
 * onnxruntime's pool threads, started from it, inherit the lower priority. With 2 cores the
 * extension host otherwise waits for a CPU behind the worker for 100 ms and more.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or not allowed: the worker keeps the default priority.
  }
}

post({ type: 'ready' });
