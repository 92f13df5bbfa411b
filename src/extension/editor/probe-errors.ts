// Probe errors as problems: the current probe's wrong predictions on a labelled file (CoNLL-U, or
// a NeuroX sentence file with its labels file beside it) as diagnostics on the exact words,
// computed in the worker and recomputed when the file, its labels, the probe or the model
// change; a quick fix lists a word's strongest neurons, as the hover does.
import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { conlluColumn, type ConlluColumn } from '../../core/corpus/conllu';
import {
  conlluForProbe,
  isConlluName,
  labelsFileCandidates,
  pairDocument,
  unknownLabels,
  type LabelledDocument,
  type WordRange,
} from '../../core/corpus/labelled-document';
import { GrainError } from '../../core/errors';
import { readInputText } from '../../core/io/read-file';
import type { ProbePredictionsResult } from '../../shared/job-results';
import type { ProbePredictionsJob } from '../../shared/jobs';
import { neuronTitle } from '../../shared/neurons';
import { showError } from '../notify';
import type { GrainServices } from '../services';
import { KeyedDebounce } from './debounce';
import { isCancel, type EditorAnalysis } from './analysis';
import { currentFileEditor, probeFor } from './documents';
import { fmt, signed } from './hover';

/** `source` of Grain's probe-error diagnostics: what the quick fix and the tests look for. */
export const PROBE_ERROR_SOURCE = 'Grain probe';
const DEBOUNCE_MS = 500;

/** Which labelled file a document is: CoNLL-U, or a sentence file and the labels file it pairs with. */
export type LabelledKind = { kind: 'conllu' } | { kind: 'pair'; labels: string };

export function labelledKind(doc: vscode.TextDocument): LabelledKind | undefined {
  if (doc.languageId === 'conllu' || isConlluName(doc.uri.path)) return { kind: 'conllu' };
  if (doc.uri.scheme !== 'file') return undefined;
  const labels = labelsFileCandidates(doc.uri.fsPath).find(isFile);
  return labels ? { kind: 'pair', labels } : undefined;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The column setting: `auto` or a column the CoNLL-U reader takes. */
export function labelColumnSetting(value: unknown): ConlluColumn | 'auto' | { error: string } {
  if (value === undefined || value === null || value === 'auto') return 'auto';
  const column = typeof value === 'string' ? conlluColumn(value.trim()) : undefined;
  return column ?? { error: `grain.probeErrors.column must be auto, upos, xpos, feats or feats:<Name>, got ${JSON.stringify(value)}` };
}

/** The words of a document with a probe's prediction on each, as the quick fix needs them. */
interface DocErrors {
  words: string[];
  labels: string[];
  ranges: WordRange[];
  /** Row of each word by `line:start`. */
  at: Map<string, number>;
  res: ProbePredictionsResult;
  why?: string;
}

interface Status {
  text: string;
  tooltip: string;
}

export class ProbeErrors implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('grain.probeErrors');
  /** Documents probe errors are kept for (Show Probe Errors, or every labelled file with the setting on). */
  private readonly watched = new Set<string>();
  private readonly errors = new Map<string, DocErrors>();
  private readonly statuses = new Map<string, Status>();
  /** The labels file each pair document was last read with. */
  private readonly labelsOf = new Map<string, string>();
  /** A labels file holding an input-error diagnostic for a document. */
  private readonly inputErrorAt = new Map<string, vscode.Uri>();
  private readonly running = new Map<string, { cancel(): void }>();
  private readonly pending = new KeyedDebounce();
  private readonly told = new Set<string>();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: GrainServices,
    private readonly analysis: EditorAnalysis,
  ) {
    this.status = vscode.window.createStatusBarItem('grain.probeErrors', vscode.StatusBarAlignment.Right, 89);
    this.status.name = 'Grain probe errors';
    this.status.command = 'workbench.actions.view.problems';
    const s = services.state;
    const labelsWatcher = vscode.workspace.createFileSystemWatcher('**/*.{labels,label}');
    const labelsChanged = (uri: vscode.Uri) => this.labelsChanged(uri.fsPath);
    this.disposables.push(
      this.diagnostics,
      this.status,
      labelsWatcher,
      labelsWatcher.onDidChange(labelsChanged),
      labelsWatcher.onDidCreate(labelsChanged),
      labelsWatcher.onDidDelete(labelsChanged),
      s.onDidChangeProbe((p) => {
        if (!p) this.clearAll('no probe is loaded');
        this.refreshAll();
      }),
      s.onDidChangeModel(() => this.refreshAll()),
      vscode.workspace.onDidOpenTextDocument((d) => this.maybeWatch(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        if (this.watched.has(e.document.uri.toString())) this.schedule(e.document, DEBOUNCE_MS);
        if (e.document.uri.scheme === 'file') this.labelsChanged(e.document.uri.fsPath);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('grain')) {
          for (const d of vscode.workspace.textDocuments) this.maybeWatch(d);
          this.refreshAll();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
    );
    for (const d of vscode.workspace.textDocuments) this.maybeWatch(d);
  }

  /** Grain: Show Probe Errors, on the active editor's document. Resolves when its diagnostics are set. */
  async show(): Promise<void> {
    const doc = currentFileEditor()?.document;
    if (!doc) {
      void vscode.window.showWarningMessage(`Grain: open a labelled file first: ${LABELLED_HINT}.`);
      return;
    }
    if (!labelledKind(doc)) {
      void vscode.window.showWarningMessage(`Grain: ${basename(doc.uri.path)} is not a labelled file: ${LABELLED_HINT}.`);
      return;
    }
    this.watched.add(doc.uri.toString());
    this.pending.cancel(doc.uri.toString());
    await this.update(doc, true);
  }

  /** Grain: Clear Probe Errors: no document is followed any more until Show Probe Errors (or the setting) asks again. */
  clear(): void {
    for (const uri of [...this.watched]) this.forget(uri);
    this.diagnostics.clear();
    this.updateStatus();
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.source === PROBE_ERROR_SOURCE)
      .map((d) => {
        const action = new vscode.CodeAction(`Show the strongest neurons of '${doc.getText(d.range)}'`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = true;
        action.command = { command: 'grain.showWordNeurons', title: action.title, arguments: [doc.uri.toString(), d.range.start.line, d.range.start.character] };
        return action;
      });
  }

  /** The quick fix: the word's strongest neurons by |z| (the hover's list); picking one colours the editor by it. */
  async showWordNeurons(uri: unknown, line: unknown, character: unknown): Promise<void> {
    const errs = typeof uri === 'string' ? this.errors.get(uri) : undefined;
    const r = errs?.at.get(`${line}:${character}`);
    if (!errs || r === undefined) {
      void vscode.window.showWarningMessage('Grain: there is no probe prediction at that place any more; run Grain: Show Probe Errors again.');
      return;
    }
    const { res } = errs;
    const k = res.topK;
    if (k === 0) {
      void vscode.window.showWarningMessage(`Grain: no strongest neurons for '${errs.words[r]}': ${errs.why ?? 'the corpus statistics are missing'}.`);
      return;
    }
    type Item = vscode.QuickPickItem & { neuron: number };
    const items: Item[] = [];
    for (let t = 0; t < k; t++) {
      const id = res.topIds[r * k + t];
      if (id < 0) continue;
      items.push({
        label: neuronTitle(res.siteInfo, id),
        description: `value ${fmt(res.topValues[r * k + t])} · z ${signed(res.topZ[r * k + t])}`,
        neuron: id,
        buttons: [{ iconPath: new vscode.ThemeIcon('pin'), tooltip: 'Pin in the heat-map view' }],
      });
    }
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = `Grain: strongest neurons of '${errs.words[r]}' · ${errorText(errs, r)}`;
    qp.placeholder = 'z-scores against the corpus statistics, as the hover lists them; pick one to colour the editor by it';
    qp.items = items;
    const picked = await new Promise<Item | undefined>((resolve) => {
      qp.onDidTriggerItemButton((e) => void vscode.commands.executeCommand('grain.pinNeuron', e.item.neuron));
      qp.onDidAccept(() => resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked) await vscode.commands.executeCommand('grain.showNeuron', picked.neuron);
  }

  private maybeWatch(doc: vscode.TextDocument): void {
    if (!vscode.workspace.getConfiguration('grain').get<boolean>('probeErrors.automatic', false)) return;
    const uri = doc.uri.toString();
    if (this.watched.has(uri) || !labelledKind(doc)) return;
    this.watched.add(uri);
    this.schedule(doc, 0);
  }

  private refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) if (this.watched.has(doc.uri.toString())) this.schedule(doc, 0);
  }

  /** A labels file changed (on disk or in an editor): the sentence files paired with it, or now pairing with it, follow. */
  private labelsChanged(path: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      const uri = doc.uri.toString();
      if (!this.watched.has(uri) || doc.uri.scheme !== 'file') continue;
      if (this.labelsOf.get(uri) === path || labelsFileCandidates(doc.uri.fsPath).includes(path)) this.schedule(doc, DEBOUNCE_MS);
    }
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    this.pending.schedule(doc.uri.toString(), delay, () => void this.update(doc, false));
  }

  /**
   * Computes the probe errors of a document. `explicit` (the command) shows progress with cancel
   * and says why nothing can be marked; updates after edits only change the status item.
   */
  private async update(doc: vscode.TextDocument, explicit: boolean): Promise<void> {
    const uri = doc.uri.toString();
    if (doc.isClosed || !this.watched.has(uri)) return;
    const name = basename(doc.uri.path) || 'this file';
    const stop = (why: string, short: string) => {
      this.running.get(uri)?.cancel();
      this.running.delete(uri);
      this.drop(uri);
      this.setStatus(uri, { text: `$(beaker) ${short}`, tooltip: `Grain probe errors of ${name}: ${why}` });
      if (explicit) void vscode.window.showWarningMessage(`Grain: no probe errors marked in ${name}: ${why}.`);
    };
    if (!vscode.workspace.isTrusted) return stop('probe errors run the model on your file, which needs a trusted workspace', 'untrusted');
    const model = this.analysis.model();
    if (!model) return stop('choose a model first (Grain: Choose Model)', 'no model');
    const probe = probeFor(this.services.state.probe, model);
    if (!probe) return stop('no probe is loaded: run one (Grain: Run Probe on a Labelled Corpus) or open a probe result (Grain: Open Report...)', 'no probe');
    if ('skipped' in probe) return stop(probe.skipped, 'probe of another model');
    const kind = labelledKind(doc);
    if (!kind) return stop(`it is not a labelled file: ${LABELLED_HINT}`, 'not labelled');
    const classes = probe.result.classes;

    // The words and labels as the probe readers take them, or where the file is wrong.
    let labelled: LabelledDocument;
    try {
      const read = this.readLabelled(doc, kind, classes);
      if ('unknown' in read) {
        const list = read.unknown.slice(0, 8).map((u) => `${u.label} (${u.count})`).join(', ') + (read.unknown.length > 8 ? `, and ${read.unknown.length - 8} more` : '');
        const why = `its labels (${read.column}) and the probe's classes disagree: the probe knows ${classes.join(' ')}, not ${list}`;
        this.running.get(uri)?.cancel();
        this.drop(uri);
        this.setStatus(uri, { text: '$(beaker) probe errors: labels differ', tooltip: `Grain probe errors of ${name}: ${why}. Nothing is marked wrong.` });
        const key = `${uri}|${probe.path}|${read.column}|${read.unknown.map((u) => u.label).join(' ')}`;
        this.services.log.warn(`probe errors of ${doc.uri.fsPath}: ${why}`);
        if (explicit || !this.told.has(key)) {
          this.told.add(key);
          void vscode.window.showWarningMessage(`Grain: ${name}: ${why}; nothing is marked wrong.`);
        }
        return;
      }
      labelled = read.document;
    } catch (e) {
      if (!(e instanceof GrainError)) throw e;
      this.running.get(uri)?.cancel();
      this.drop(uri);
      this.inputError(doc, e);
      this.setStatus(uri, { text: '$(error) probe errors: file error', tooltip: `Grain probe errors of ${name}: ${e.message}` });
      if (explicit) void showError(e, { what: 'Show Probe Errors' });
      return;
    }

    const settings = this.services.settings();
    const src = probe.result.source;
    const sameSettings = settings.aggregation === src.aggregation && settings.sites === src.sites;
    const stats = sameSettings ? await this.analysis.ensureStats(model) : undefined;
    const why = sameSettings
      ? stats
        ? undefined
        : 'the corpus statistics could not be computed'
      : `the strongest neurons need the corpus statistics under the probe's settings (aggregation ${src.aggregation}, sites ${src.sites}), and Grain's settings are aggregation ${settings.aggregation}, sites ${settings.sites}`;
    if (doc.isClosed || !this.watched.has(uri)) return;

    const version = doc.version;
    const job: ProbePredictionsJob = {
      kind: 'probe-predictions',
      model: model.dir,
      probe: probe.path,
      sentences: labelled.sentences,
      labels: labelled.labels,
      source: doc.uri.scheme === 'file' ? doc.uri.fsPath : name,
      lines: labelled.lines,
      stats: stats?.path,
      batchSize: settings.batchSize,
      threads: settings.threads,
    };
    this.running.get(uri)?.cancel();
    let report: ((p: { stage: string; done: number; total: number }) => void) | undefined;
    const run = this.services.worker.runQuiet(job, (p) => report?.(p));
    this.running.set(uri, run);
    this.setStatus(uri, { text: '$(sync~spin) probe errors', tooltip: `Grain: running ${model.name} and the probe over ${name}` });
    const started = Date.now();
    try {
      const res = explicit
        ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Grain: probe errors of ${name}`, cancellable: true }, (progress, token) => {
            token.onCancellationRequested(() => run.cancel());
            report = (p) => progress.report({ message: `${p.stage} ${p.done}/${p.total}` });
            return run.result;
          })
        : await run.result;
      if (this.running.get(uri) !== run) return; // superseded
      if (doc.version !== version) return this.schedule(doc, 0);
      this.setErrors(doc, labelled, res, why);
      const wrong = res.known - res.correct;
      this.services.log.info(
        `probe errors of ${doc.uri.fsPath}: ${wrong} of ${res.known} words wrong (accuracy ${percent(res.correct, res.known)}, ${labelled.column}), ` +
          `probe ${probe.path} on ${model.name}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (e) {
      if (this.running.get(uri) !== run) return;
      if (isCancel(e)) {
        this.drop(uri);
        this.setStatus(uri, { text: '$(beaker) probe errors: cancelled', tooltip: `Grain probe errors of ${name}: cancelled; run Grain: Show Probe Errors again` });
        return;
      }
      this.drop(uri);
      this.setStatus(uri, { text: '$(error) probe errors failed', tooltip: `Grain probe errors of ${name}: ${(e as Error).message}` });
      this.analysis.report('probe errors', e);
    } finally {
      if (this.running.get(uri) === run) this.running.delete(uri);
    }
  }

  /** The labelled words of a document: CoNLL-U in the column the setting names (auto: what the probe knows), or a NeuroX pair. */
  private readLabelled(
    doc: vscode.TextDocument,
    kind: LabelledKind,
    classes: string[],
  ): { document: LabelledDocument } | { column: string; unknown: { label: string; count: number }[] } {
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : basename(doc.uri.path);
    if (kind.kind === 'conllu') {
      const column = labelColumnSetting(vscode.workspace.getConfiguration('grain').get<unknown>('probeErrors.column'));
      if (typeof column === 'object') throw new GrainError(column.error);
      return conlluForProbe(doc.getText(), file, column, classes);
    }
    this.labelsOf.set(doc.uri.toString(), kind.labels);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === kind.labels);
    const document = pairDocument(doc.getText(), open ? open.getText() : readInputText(kind.labels), file, kind.labels);
    const unknown = unknownLabels(document.labels, classes);
    return unknown.length > 0 ? { column: basename(kind.labels), unknown } : { document };
  }

  private setErrors(doc: vscode.TextDocument, labelled: LabelledDocument, res: ProbePredictionsResult, why: string | undefined): void {
    const uri = doc.uri.toString();
    const errs: DocErrors = { words: labelled.sentences.flat(), labels: labelled.labels.flat(), ranges: labelled.ranges.flat(), at: new Map(), res, why };
    this.clearInputError(uri);
    const list: vscode.Diagnostic[] = [];
    errs.ranges.forEach((w, r) => {
      errs.at.set(`${w.line}:${w.start}`, r);
      if (res.gold[r] < 0 || res.predicted[r] === res.gold[r]) return;
      const d = new vscode.Diagnostic(new vscode.Range(w.line, w.start, w.line, w.end), errorText(errs, r), vscode.DiagnosticSeverity.Information);
      d.source = PROBE_ERROR_SOURCE;
      list.push(d);
    });
    this.errors.set(uri, errs);
    this.diagnostics.set(doc.uri, list);
    const wrong = res.known - res.correct;
    this.setStatus(uri, {
      text: `$(beaker) ${wrong} probe error${wrong === 1 ? '' : 's'}`,
      tooltip:
        `Grain: the probe gets ${res.correct} of ${res.known} words of ${basename(doc.uri.path)} right (${percent(res.correct, res.known)}, labels ${labelled.column}); ` +
        `${wrong} wrong, listed in the Problems panel. Click to show it.`,
    });
  }

  /** A labelled file that cannot be read: one error where it is wrong (this file, or its labels file). */
  private inputError(doc: vscode.TextDocument, e: GrainError): void {
    const uri = doc.uri.toString();
    this.clearInputError(uri);
    const file = e.where.file && doc.uri.scheme === 'file' && e.where.file !== doc.uri.fsPath ? vscode.Uri.file(e.where.file) : doc.uri;
    const line = Math.max(0, (e.where.line ?? 1) - 1);
    const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), e.reason, vscode.DiagnosticSeverity.Error);
    d.source = 'Grain';
    this.diagnostics.set(file, [d]);
    if (file.toString() !== uri) this.inputErrorAt.set(uri, file);
  }

  private clearInputError(uri: string): void {
    const at = this.inputErrorAt.get(uri);
    if (at) this.diagnostics.delete(at);
    this.inputErrorAt.delete(uri);
  }

  /** Removes a document's diagnostics and predictions, keeping it followed. */
  private drop(uri: string): void {
    this.clearInputError(uri);
    this.errors.delete(uri);
    this.diagnostics.delete(vscode.Uri.parse(uri));
  }

  private clearAll(why: string): void {
    for (const r of this.running.values()) r.cancel();
    this.running.clear();
    for (const uri of this.watched) {
      this.drop(uri);
      this.statuses.set(uri, { text: '$(beaker) no probe', tooltip: `Grain probe errors: ${why}` });
    }
    this.diagnostics.clear();
    this.updateStatus();
  }

  /** Stops following a document. */
  private forget(uri: string): void {
    this.running.get(uri)?.cancel();
    this.running.delete(uri);
    this.pending.cancel(uri);
    this.drop(uri);
    this.watched.delete(uri);
    this.statuses.delete(uri);
    this.labelsOf.delete(uri);
    this.updateStatus();
  }

  private setStatus(uri: string, status: Status): void {
    this.statuses.set(uri, status);
    this.updateStatus();
  }

  private updateStatus(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const s = uri !== undefined && this.watched.has(uri) ? this.statuses.get(uri) : undefined;
    if (!s) {
      this.status.hide();
      return;
    }
    this.status.text = s.text;
    this.status.tooltip = s.tooltip;
    this.status.show();
  }

  dispose(): void {
    for (const r of this.running.values()) r.cancel();
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

const LABELLED_HINT = 'a CoNLL-U file (.conllu), or a sentence file with its labels file beside it (x.txt with x.txt.labels or x.labels)';

/** "predicted NOUN, gold VERB, p=0.62": the probe's class, the file's, and the probability of the probe's. */
function errorText(errs: DocErrors, r: number): string {
  const { res } = errs;
  return `predicted ${res.classes[res.predicted[r]]}, gold ${errs.labels[r]}, p=${res.probability[r].toFixed(2)}`;
}

function percent(a: number, b: number): string {
  return b > 0 ? `${((100 * a) / b).toFixed(2)}%` : 'no words';
}
