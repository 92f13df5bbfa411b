// Live heat-map decorations: the selected neuron's value on every word of plain-text editors,
// coloured by its z-score against the corpus, recomputed in the worker after edits (debounced,
// superseded runs cancelled) and, in large files, only around the visible ranges.
import * as vscode from 'vscode';
import { heatBin } from '../../core/heat/z-scores';
import { planLines, type LineInterval } from '../../core/heat/line-ranges';
import type { GrainServices } from '../services';
import { KeyedDebounce } from './debounce';
import { EditorAnalysis, isCancel, LineCache, requestKey, type LineRequest } from './analysis';
import { heatLanguages, isHeatDocument, isProseDocument, probeFor } from './documents';
import { HeatPalette, type HeatWord } from './palette';

const EDIT_DEBOUNCE_MS = 300;
const SCROLL_DEBOUNCE_MS = 150;
const MARGIN_LINES = 40;
/** Lines per job: a very long visible window still comes back in pieces. */
const MAX_LINES_PER_JOB = 2000;
export const TOP_K = 5;

interface DocRun {
  cancel(): void;
}

export class HeatDecorations implements vscode.Disposable {
  readonly palette = new HeatPalette();
  /** Results by document, for the current request (model, neuron, settings). */
  private readonly caches = new Map<string, LineCache>();
  private readonly running = new Map<string, DocRun>();
  private readonly pending = new KeyedDebounce();
  private readonly toldLarge = new Set<string>();
  private readonly toldLanguage = new Set<string>();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's results were updated (hovers, the heat-map view). */
  readonly onDidUpdate = this.changed.event;

  constructor(
    private readonly services: GrainServices,
    private readonly analysis: EditorAnalysis,
  ) {
    this.status = vscode.window.createStatusBarItem('grain.heat', vscode.StatusBarAlignment.Right, 90);
    this.status.name = 'Grain heat map';
    const s = services.state;
    this.disposables.push(
      this.palette,
      this.status,
      this.changed,
      s.onDidChangeNeuron(() => this.refreshAll()),
      s.onDidChangeModel(() => this.refreshAll()),
      s.onDidChangeProbe(() => this.refreshAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        if (this.isLarge(e.textEditor.document)) this.schedule(e.textEditor.document, SCROLL_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && isHeatDocument(e.document)) {
          // Cached lines stay valid only while their text is the same; redraw what is left at once.
          this.redraw(e.document);
          this.schedule(e.document, EDIT_DEBOUNCE_MS);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('grain')) {
          this.caches.clear();
          this.refreshAll();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  /** The results of a document for the current request, if any. */
  cacheOf(doc: vscode.TextDocument): LineCache | undefined {
    return this.caches.get(doc.uri.toString());
  }

  /** Recomputes every visible editor now (e.g. the "Decorate visible range" action). */
  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document, 0);
    this.updateStatus();
  }

  private isLarge(doc: vscode.TextDocument): boolean {
    return documentSize(doc) > this.services.settings().decorations.maxFileSize;
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    this.pending.schedule(doc.uri.toString(), delay, () => void this.update(doc));
  }

  /** The request for decorations now, or why there is none. */
  private async request(): Promise<LineRequest | string> {
    if (!vscode.workspace.isTrusted) return 'the workspace is not trusted';
    const neuron = this.services.state.neuron;
    if (!neuron) return 'no neuron selected';
    const model = this.analysis.model();
    if (!model) return 'no model selected';
    const stats = await this.analysis.ensureStats(model);
    if (!stats) return 'no corpus statistics';
    if (neuron.neuron >= stats.neurons) return `neuron ${neuron.neuron} is not in ${model.name} (${stats.neurons} neurons)`;
    const probe = probeFor(this.services.state.probe, model);
    return { model, stats, wanted: [neuron.neuron], subword: false, topK: TOP_K, probe: probe && 'path' in probe ? probe.path : undefined };
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document === doc);
    if (editors.length === 0 || doc.isClosed) return;
    if (!isHeatDocument(doc)) {
      for (const e of editors) this.palette.clear(e);
      return;
    }
    const req = await this.request();
    const uri = doc.uri.toString();
    if (typeof req === 'string') {
      for (const e of editors) this.palette.clear(e);
      this.caches.delete(uri);
      this.updateStatus();
      return;
    }
    const key = requestKey(req);
    let cache = this.caches.get(uri);
    if (!cache || cache.key !== key) {
      cache = new LineCache(key, req);
      this.caches.set(uri, cache);
    }
    const c = cache;
    const visible: LineInterval[] = editors.flatMap((e) => e.visibleRanges.map((r) => ({ start: r.start.line, end: r.end.line + 1 })));
    const plan = planLines({
      lineCount: doc.lineCount,
      size: documentSize(doc),
      maxFileSize: this.services.settings().decorations.maxFileSize,
      visible,
      margin: MARGIN_LINES,
      done: (l) => c.valid(doc, l) !== undefined,
    });
    if (plan.mode === 'visible') this.tellLarge(doc);
    this.redraw(doc);
    if (plan.lines.length === 0) return;

    this.running.get(uri)?.cancel();
    const lines = plan.lines.slice(0, MAX_LINES_PER_JOB);
    const sent = new Map(lines.map((l) => [l, doc.lineAt(l).text] as [number, string]));
    const run = this.analysis.run(req, [...sent].map(([line, text]) => ({ line, text })));
    this.running.set(uri, run);
    this.updateStatus();
    try {
      const res = await run.result;
      if (this.caches.get(uri) !== c) return; // superseded by another request
      c.add(res, sent);
      this.redraw(doc);
      this.changed.fire(doc.uri);
      if (plan.lines.length > lines.length) this.schedule(doc, 0);
    } catch (e) {
      if (!isCancel(e)) this.analysis.report('heat-map decorations', e);
    } finally {
      if (this.running.get(uri) === run) this.running.delete(uri);
      this.updateStatus();
    }
  }

  /** Draws the valid cached lines of a document in all its editors. */
  private redraw(doc: vscode.TextDocument): void {
    const cache = this.caches.get(doc.uri.toString());
    const words: HeatWord[] = [];
    const missing: vscode.Range[] = [];
    if (cache) {
      for (const [line] of cache.lines) {
        const lw = cache.valid(doc, line);
        if (!lw) continue;
        for (let i = 0; i < lw.word.length; i++) {
          const range = new vscode.Range(line, lw.start[i], line, lw.end[i]);
          if (!lw.computed[i]) missing.push(range);
          else {
            const bin = heatBin(lw.z[i]);
            if (bin !== 0) words.push({ range, bin });
          }
        }
      }
    }
    for (const e of vscode.window.visibleTextEditors) if (e.document === doc) this.palette.apply(e, words, missing);
  }

  private tellLarge(doc: vscode.TextDocument): void {
    const uri = doc.uri.toString();
    if (this.toldLarge.has(uri)) return;
    this.toldLarge.add(uri);
    const max = this.services.settings().decorations.maxFileSize;
    void vscode.window
      .showInformationMessage(
        `Grain: ${vscode.workspace.asRelativePath(doc.uri)} is larger than grain.decorations.maxFileSize (${max} characters): only the visible lines (± ${MARGIN_LINES}) are coloured, following the scroll.`,
        'Decorate visible range',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('grain.decorateVisibleRange');
      });
  }

  private updateStatus(): void {
    const neuron = this.services.state.neuron;
    const editor = vscode.window.activeTextEditor;
    if (neuron && editor && this.services.state.model && vscode.workspace.isTrusted && isProseDocument(editor.document)) {
      this.tellLanguage(editor.document.languageId);
      return;
    }
    if (!neuron || !editor || !isHeatDocument(editor.document) || !vscode.workspace.isTrusted) {
      this.status.hide();
      return;
    }
    const busy = this.running.has(editor.document.uri.toString());
    const large = this.isLarge(editor.document);
    // The selected neuron itself is on the Grain status item; this one says only what is special.
    if (!busy && !large) {
      this.status.hide();
      return;
    }
    this.status.text = `${busy ? '$(sync~spin)' : '$(flame)'} ${neuron.site}:${neuron.unit}${large ? ' (visible lines)' : ''}`;
    this.status.tooltip = `Grain heat map of neuron ${neuron.neuron} (${neuron.site}:${neuron.unit}), coloured by z-score against the corpus statistics${large ? '; this file is large, so only the visible lines are coloured' : ''}`;
    this.status.command = large ? 'grain.decorateVisibleRange' : undefined;
    this.status.show();
  }

  /**
   * A prose document in a language Grain does not colour (Markdown, ...): says so in the status bar,
   * and once per language in a notification that can add it to grain.decorations.languages.
   */
  private tellLanguage(language: string): void {
    const languages = heatLanguages();
    this.status.text = `$(circle-slash) no heat map in ${language}`;
    this.status.tooltip = `Grain colours ${languages.join(', ')} documents (grain.decorations.languages); this one is ${language}. Click to open the setting.`;
    this.status.command = { command: 'workbench.action.openSettings', title: 'Open Setting', arguments: ['grain.decorations.languages'] };
    this.status.show();
    if (this.toldLanguage.has(language)) return;
    this.toldLanguage.add(language);
    const add = `Colour ${language} Too`;
    void vscode.window
      .showInformationMessage(
        `Grain: this ${language} document gets no neuron colours or hovers: grain.decorations.languages is ${languages.join(', ')}.`,
        add,
        'Open Setting',
      )
      .then(async (choice) => {
        if (choice === add) {
          const config = vscode.workspace.getConfiguration('grain');
          const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
          await config.update('decorations.languages', [...new Set([...languages, language])], target);
        } else if (choice === 'Open Setting') {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'grain.decorations.languages');
        }
      });
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.running.get(key)?.cancel();
    this.running.delete(key);
    this.pending.cancel(key);
    this.caches.delete(key);
  }

  dispose(): void {
    for (const r of this.running.values()) r.cancel();
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Size in characters (UTF-16 units), without building the whole text. */
export function documentSize(doc: vscode.TextDocument): number {
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}
