import { isMainThread } from 'node:worker_threads';

/**
 * onnxruntime-node ships with Microsoft telemetry on: a session soon resolves
 * mobile.events.data.microsoft.com, reads machine ids, and leaves mat-debug-PID.log and .ses in
 * TMPDIR and a queue under ~/.cache/Microsoft. Its native code reads ORT_DISABLE_TELEMETRY with
 * getenv() when the library loads, so the variable must be in the process's real environment
 * before then. On the main thread assigning process.env calls setenv(); a worker thread only has
 * a copy, which native code never sees, so there the thread that started it must have set it.
 */
export function disableOrtTelemetry(): void {
  if (isMainThread) {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    return;
  }
  if (process.env.ORT_DISABLE_TELEMETRY !== '1') {
    throw new Error('onnxruntime would start its telemetry: ORT_DISABLE_TELEMETRY=1 must be set by the thread that starts this worker');
  }
}

disableOrtTelemetry();
