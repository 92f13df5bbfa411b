import * as vscode from 'vscode';
import { join } from 'node:path';
import type { JobKind, JobOf, JobResults } from '../shared/jobs';
import type { Progress } from '../shared/protocol/worker';
import { JobFailedError, WorkerClient } from './worker-client';
import type { Log } from './log';

/**
 * Runs analysis jobs in the worker thread, never on the extension host: each job gets a
 * cancellable progress notification, its warnings go to the log, and its failure becomes a
 * message that says what is wrong. A crashed worker is reported and replaced.
 */
export class GrainWorker implements vscode.Disposable {
  private readonly client: WorkerClient;

  constructor(extensionUri: vscode.Uri, private readonly log: Log) {
    this.client = new WorkerClient(join(extensionUri.fsPath, 'dist', 'worker.js'));
    this.client.onCrash = (message) => {
      log.error(message);
      void vscode.window.showErrorMessage(`Grain: ${message}. The worker was restarted; saved results are untouched.`);
    };
  }

  /**
   * Runs `job` with a progress notification titled `title`. Resolves to the result, or to
   * undefined when the user cancelled or the job failed (the user has been told).
   */
  async run<K extends JobKind>(title: string, job: JobOf<K>): Promise<JobResults[K] | undefined> {
    this.log.info(`${title}: started (${job.kind})`);
    const started = Date.now();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Grain: ${title}`, cancellable: true },
        (progress, token) => {
          const running = this.client.run(job, {
            onProgress: (p) => progress.report({ message: `${p.stage} ${p.done}/${p.total}` }),
            onWarning: (m) => this.log.warn(m),
            onLog: (m) => this.log.info(m),
          });
          token.onCancellationRequested(() => running.cancel());
          return running.result;
        },
      );
      this.log.info(`${title}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      if (e instanceof JobFailedError && e.error.kind === 'cancelled') {
        this.log.info(`${title}: cancelled; nothing was saved`);
        return undefined;
      }
      const message = e instanceof JobFailedError ? e.error.message : (e as Error).message;
      this.log.error(`${title}: ${message}${e instanceof JobFailedError && e.error.stack ? `\n${e.error.stack}` : ''}`);
      void vscode.window.showErrorMessage(`Grain: ${title} failed: ${message}`);
      return undefined;
    }
  }

  /** Runs a job quietly (no notification), e.g. recomputing decorations; throws on failure. */
  runQuiet<K extends JobKind>(job: JobOf<K>, onProgress?: (p: Progress) => void) {
    return this.client.run(job, { onWarning: (m) => this.log.warn(m), onProgress });
  }

  dispose(): void {
    void this.client.dispose();
  }
}
