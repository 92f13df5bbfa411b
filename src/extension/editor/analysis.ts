// Runs the editor's jobs in the worker: corpus statistics once per model and settings, then
// activations of document lines, kept per document line by line so that edits and scrolling
// recompute only the lines that changed or came into view.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { modelDisplayName, modelIdentity } from '../../core/model/folder';
import * as vscode from 'vscode';
import type { SiteWidth, TextActivationsResult } from '../../shared/job-results';
import type { TextActivationsJob } from '../../shared/jobs';
import { JobFailedError } from '../worker-client';
import { showError } from '../notify';
import type { GrainServices } from '../services';

export interface ModelRef {
  dir: string;
  name: string;
}

export interface StatsInfo {
  path: string;
  siteInfo: SiteWidth[];
  neurons: number;
  rows: number;
}

/** The computed words of one document line, sliced from a job result. */
export interface LineWords {
  text: string;
  start: Int32Array;
  end: Int32Array;
  word: string[];
  computed: Uint8Array;
  /** words x wanted */
  values: Float32Array;
  z: Float32Array;
  /** words x topK */
  topIds: Int32Array;
  topZ: Float32Array;
  topValues: Float32Array;
  predicted?: Int32Array;
  probability?: Float32Array;
}

/** What a set of line results was computed for; results of another request never mix in. */
export interface LineRequest {
  model: ModelRef;
  stats?: StatsInfo;
  wanted: number[];
  subword: boolean;
  topK: number;
  probe?: string;
}

/** Results of one request for one document, by line. */
export class LineCache {
  readonly lines = new Map<number, LineWords>();
  classes?: string[];
  maxLength: number | null = null;
  constructor(
    readonly key: string,
    readonly request: LineRequest,
  ) {}

  /** The line's words if they were computed for its current text. */
  valid(doc: vscode.TextDocument, line: number): LineWords | undefined {
    if (line >= doc.lineCount) return undefined;
    const got = this.lines.get(line);
    return got && got.text === doc.lineAt(line).text ? got : undefined;
  }

  /** Stores a result for the lines as they were sent (`sent`: line -> text). */
  add(res: TextActivationsResult, sent: Map<number, string>): void {
    if (res.probe) this.classes = res.probe.classes;
    this.maxLength = res.maxLength;
    const m = res.wanted.length;
    const k = res.topK;
    const byLine = new Map<number, [number, number]>();
    for (let r = 0; r < res.rows; r++) {
      const span = byLine.get(res.line[r]);
      if (span) span[1] = r + 1;
      else byLine.set(res.line[r], [r, r + 1]);
    }
    for (const [line, text] of sent) {
      const [a, b] = byLine.get(line) ?? [0, 0];
      this.lines.set(line, {
        text,
        start: res.start.slice(a, b),
        end: res.end.slice(a, b),
        word: res.text.slice(a, b),
        computed: res.computed.slice(a, b),
        values: res.values.slice(a * m, b * m),
        z: res.z.slice(a * m, b * m),
        topIds: res.topIds.slice(a * k, b * k),
        topZ: res.topZ.slice(a * k, b * k),
        topValues: res.topValues.slice(a * k, b * k),
        predicted: res.probe?.predicted.slice(a, b),
        probability: res.probe?.probability.slice(a, b),
      });
    }
  }
}

export function requestKey(r: LineRequest): string {
  return [r.model.dir, r.stats?.path ?? '', r.wanted.join(','), r.subword ? 'sub' : 'word', r.topK, r.probe ?? ''].join('|');
}

export class EditorAnalysis {
  private readonly stats = new Map<string, Promise<StatsInfo | undefined>>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly services: GrainServices,
    private readonly storage: vscode.Uri,
  ) {}

  /** The current model folder: state.model as a path, or the id of a demo model. */
  model(): ModelRef | undefined {
    const m = this.services.state.model;
    if (!m) return undefined;
    const demo = join(this.services.extensionUri.fsPath, 'models', m);
    const dir = isAbsolute(m) ? m : existsSync(demo) ? demo : m;
    return { dir, name: modelDisplayName(dir) };
  }

  /** Statistics file of a model under the current settings: computed in the worker the first time (with progress), then reused. */
  ensureStats(model: ModelRef): Promise<StatsInfo | undefined> {
    const s = this.services.settings();
    // Named by the model's folder and a digest of its identity: two folders of one name are two models.
    const id = createHash('sha256').update(modelIdentity(model.dir)).digest('hex').slice(0, 8);
    const out = join(this.storage.fsPath, `stats-${model.name.replace(/[^\w.-]+/g, '_')}-${id}-${s.aggregation}-${s.sites}.json`);
    const key = `${model.dir}|${out}`;
    let found = this.stats.get(key);
    if (!found) {
      const job = {
        kind: 'neuron-stats' as const,
        model: model.dir,
        corpus: join(this.services.extensionUri.fsPath, 'models', 'brown-test-2000.txt'),
        out,
        aggregation: s.aggregation,
        sites: s.sites,
        batchSize: s.batchSize,
        threads: s.threads,
      };
      const run = existsSync(out)
        ? this.services.worker.runQuiet(job).result.catch((e: unknown) => {
            this.report('neuron statistics', e);
            return undefined;
          })
        : this.services.worker.run(`Neuron statistics of ${model.name} (once per model)`, job);
      found = run.then((r) => (r ? { path: r.path, siteInfo: r.siteInfo, neurons: r.neurons, rows: r.rows } : undefined));
      this.stats.set(key, found);
      // A failed or cancelled run is tried again next time.
      void found.then((r) => {
        if (!r) this.stats.delete(key);
      });
    }
    return found;
  }

  /** Starts the activations of some lines; the result also carries what the lines were. */
  run(req: LineRequest, lines: { line: number; text: string }[]): { result: Promise<TextActivationsResult>; cancel(): void } {
    const s = this.services.settings();
    const job: TextActivationsJob = {
      kind: 'text-activations',
      model: req.model.dir,
      lines,
      neurons: req.wanted,
      aggregation: s.aggregation,
      subword: req.subword,
      sites: s.sites,
      batchSize: s.batchSize,
      threads: s.threads,
      stats: req.stats?.path,
      topK: req.topK,
      probe: req.probe,
    };
    const running = this.services.worker.runQuiet(job);
    return { result: running.result, cancel: () => running.cancel() };
  }

  /** Logs a failure; tells the user once per distinct message (live decorations fail again on every edit). */
  report(what: string, e: unknown): void {
    if (e instanceof JobFailedError && e.error.kind === 'cancelled') return;
    const message = e instanceof JobFailedError ? e.error.message : (e as Error).message;
    this.services.log.error(`${what}: ${message}`);
    if (this.reported.has(message)) return;
    this.reported.add(message);
    void showError(e, { what: what.charAt(0).toUpperCase() + what.slice(1) });
  }
}

export function isCancel(e: unknown): boolean {
  return e instanceof JobFailedError && e.error.kind === 'cancelled';
}
