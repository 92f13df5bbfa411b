// The heat-map webview view in the Grain container: the open text file as words coloured by the
// selected and pinned neurons, side by side, in words or subword pieces.
import * as vscode from 'vscode';
import { modelDisplayName } from '../../core/model/folder';
import { neuronLabel } from '../../shared/neurons';
import type { HeatmapData, HeatmapToHost, HostToHeatmap } from '../../shared/protocol/heatmap';
import { HEATMAP_VIEW_ID } from '../../shared/protocol/heatmap';
import type { GrainServices } from '../services';
import { prepareWebview, renderWebviewHtml } from '../webview-host';
import { EditorAnalysis, isCancel } from './analysis';
import { isHeatDocument } from './documents';
import type { Pins } from './pins';
import type { SecondModel } from './second-model';

/** The view shows the first lines of a file only: it is an overview, the editor has the rest. */
const MAX_LINES = 300;
const DEBOUNCE_MS = 400;

export class HeatmapView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private subword = false;
  private timer?: NodeJS.Timeout;
  private running?: { cancel(): void };
  /** Counts updates: a slower, older one never overwrites a newer one's second-model rows. */
  private generation = 0;
  /** The last text editor of a heat document, kept while the focus is in the view itself. */
  private lastEditor?: vscode.TextEditor;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: GrainServices,
    private readonly analysis: EditorAnalysis,
    private readonly pins: Pins,
    private readonly second: SecondModel,
  ) {
    const s = services.state;
    this.disposables.push(
      second.onDidChange(() => this.schedule(0)),
      // A correlation result saved meanwhile may name the partner.
      services.results.onDidChange(() => {
        if (second.folder) this.schedule(DEBOUNCE_MS);
      }),
      s.onDidChangeNeuron(() => this.schedule(0)),
      s.onDidChangeModel(() => this.schedule(0)),
      pins.onDidChange(() => this.schedule(0)),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.editor()?.document) this.schedule(DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('grain')) this.schedule(0);
      }),
    );
  }

  static register(services: GrainServices, analysis: EditorAnalysis, pins: Pins, second: SecondModel): vscode.Disposable[] {
    const view = new HeatmapView(services, analysis, pins, second);
    return [view, vscode.window.registerWebviewViewProvider(HEATMAP_VIEW_ID, view)];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    prepareWebview(view.webview, this.services.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.services.extensionUri, { app: 'heatmap', title: 'Grain Heat Map' });
    view.webview.onDidReceiveMessage((m: HeatmapToHost) => this.onMessage(m));
    view.onDidChangeVisibility(() => {
      if (view.visible) this.schedule(0);
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.running?.cancel();
    });
  }

  private post(m: HostToHeatmap): void {
    void this.view?.webview.postMessage(m);
  }

  private onMessage(m: HeatmapToHost): void {
    switch (m.type) {
      case 'ready':
      case 'subword':
        this.subword = m.subword;
        this.schedule(0);
        return;
      case 'show':
        void vscode.commands.executeCommand('grain.showNeuron', m.neuron);
        return;
      case 'unpin':
        if (this.pins.has(m.neuron)) this.pins.toggle(m.neuron);
        return;
      case 'contexts':
        void vscode.commands.executeCommand('grain.showContexts', m.neuron);
        return;
      case 'reveal': {
        const editor = this.editor();
        if (!editor) return;
        const pos = new vscode.Position(m.line, m.character);
        void vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: new vscode.Range(pos, pos) });
        return;
      }
      case 'chooseSecond':
        void vscode.commands.executeCommand('grain.chooseSecondModel');
        return;
      case 'clearSecond':
        void vscode.commands.executeCommand('grain.clearSecondModel');
        return;
    }
  }

  private editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && isHeatDocument(active.document)) this.lastEditor = active;
    if (this.lastEditor && this.lastEditor.document.isClosed) this.lastEditor = undefined;
    return this.lastEditor;
  }

  private schedule(delay: number): void {
    if (!this.view?.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delay);
  }

  private async update(): Promise<void> {
    if (!this.view) return;
    const generation = ++this.generation;
    this.second.cancel();
    // The second model's controls show whatever else the view shows.
    const other = this.second.folder;
    this.post({ type: 'sides', sides: other ? { state: 'waiting', other: modelDisplayName(other), message: 'Waiting for the heat map…' } : { state: 'off' } });
    if (!vscode.workspace.isTrusted) return this.post({ type: 'empty', message: 'The heat map runs the model on your text, which needs a trusted workspace (Restricted Mode is on).' });
    const editor = this.editor();
    if (!editor) return this.post({ type: 'empty', message: 'Open a plain-text file to see it as a heat map.' });
    const model = this.analysis.model();
    if (!model) return this.post({ type: 'empty', message: 'Choose a model first (Grain: Choose Model, or Grain: Show Neuron..., which asks for one).' });
    const stats = await this.analysis.ensureStats(model);
    if (!stats) return this.post({ type: 'empty', message: `No corpus statistics for ${model.name}.` });
    const selected = this.services.state.neuron?.neuron;
    const ids = [...new Set([...(selected !== undefined ? [selected] : []), ...this.pins.all])].filter((id) => id < stats.neurons);
    if (ids.length === 0) return this.post({ type: 'empty', message: 'Select a neuron (Grain: Show Neuron..., the Neurons view or a report) or pin one from a hover.' });

    const doc = editor.document;
    const shown = Math.min(doc.lineCount, MAX_LINES);
    const lines = Array.from({ length: shown }, (_, line) => ({ line, text: doc.lineAt(line).text }));
    this.running?.cancel();
    this.post({ type: 'busy' });
    const run = this.analysis.run({ model, stats, wanted: ids, subword: this.subword, topK: 0 }, lines);
    this.running = run;
    try {
      const res = await run.result;
      const m = ids.length;
      const data: HeatmapData = {
        file: vscode.workspace.asRelativePath(doc.uri),
        model: model.name,
        subword: res.subword,
        neurons: ids.map((id) => ({ id, label: neuronLabel(stats.siteInfo, id), selected: id === selected, pinned: this.pins.has(id) })),
        line: Array.from(res.line),
        start: Array.from(res.start),
        text: res.text,
        computed: Array.from(res.computed),
        values: ids.map((_, j) => Array.from({ length: res.rows }, (_, r) => res.values[r * m + j])),
        z: ids.map((_, j) => Array.from({ length: res.rows }, (_, r) => res.z[r * m + j])),
        shownLines: shown,
        totalLines: doc.lineCount,
      };
      this.post({ type: 'data', data });
      // Beside it, the selected neuron's partner in the second model, in words (never pieces: two tokenizers cut words differently).
      const sides = await this.second.sides(model, stats, lines, (busy) => this.post({ type: 'sides', sides: busy }));
      if (sides && generation === this.generation) this.post({ type: 'sides', sides });
    } catch (e) {
      if (isCancel(e)) return;
      this.analysis.report('heat map', e);
      this.post({ type: 'error', message: (e as Error).message });
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
