// One report webview panel: reads its result file(s) on every `ready` (so a restored or reloaded
// panel shows the files as they are now), answers with the payload or a clear error, and turns a
// neuron picked in the table into Grain's selected neuron.
import { dirname, isAbsolute, resolve } from 'node:path';
import { wordSpans } from '../../core/text/words';
import * as vscode from 'vscode';
import { GrainError } from '../../core/errors';
import { agreementBeside, belongTogether, buildPayload, findCompanion, resultsBeside } from '../../results/companions';
import type { AnyResult } from '../../results/read';
import { locateNeuron } from '../../shared/neurons';
import {
  REPORT_APPS,
  REPORT_TITLES,
  REPORT_VIEW_TYPES,
  type HostToReport,
  type ReportPayload,
  type ReportToHost,
  type ReportView,
} from '../../shared/protocol/report';
import { showError } from '../notify';
import type { GrainServices } from '../services';
import { renderWebviewHtml, webviewOptions } from '../webview-host';

export interface ReportFiles {
  view: ReportView;
  /** The file the report is on; undefined only for a restored panel that never got one. */
  main?: string;
  /** A second result drawn with it; found next to `main` when not given. */
  companion?: string;
  /** False: use exactly `companion` (restore), never look for one. */
  findCompanion?: boolean;
}

export class ReportPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private payload?: ReportPayload;
  private key: string;

  /** Shows the report of `files` (revealing it when that file is already open in that view). */
  static show(services: GrainServices, files: ReportFiles, openReport: (view: ReportView, path: string) => void): ReportPanel {
    const key = keyOf(files);
    const existing = ReportPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      existing.send();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPES[files.view], titleOf(files), vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    return new ReportPanel(panel, services, files, openReport);
  }

  /** A panel VS Code restored after a reload: its files come from the webview's saved state. */
  static restore(services: GrainServices, panel: vscode.WebviewPanel, files: ReportFiles, openReport: (view: ReportView, path: string) => void): ReportPanel {
    panel.webview.options = webviewOptions(services.extensionUri);
    ReportPanel.open.get(keyOf(files))?.dispose();
    return new ReportPanel(panel, services, { ...files, findCompanion: false }, openReport);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: GrainServices,
    private files: ReportFiles,
    private readonly openReport: (view: ReportView, path: string) => void,
  ) {
    this.key = keyOf(files);
    ReportPanel.open.set(this.key, this);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'grain.svg');
    panel.title = titleOf(files);
    panel.webview.html = renderWebviewHtml(panel.webview, services.extensionUri, { app: REPORT_APPS[files.view], title: titleOf(files) });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: ReportToHost) => this.receive(msg)),
      services.state.onDidChangeNeuron((n) => this.post({ type: 'neuronSelected', neuron: n?.neuron ?? null })),
    );
  }

  /** The probe result this panel shows, once loaded. */
  get probe(): { result: NonNullable<Extract<ReportPayload, { view: 'ranking' }>['probe']>['result']; path: string } | undefined {
    const p = this.payload?.view === 'ranking' ? this.payload.probe : undefined;
    return p ? { result: p.result, path: p.path } : undefined;
  }

  private receive(msg: ReportToHost): void {
    switch (msg.type) {
      case 'ready':
        this.send();
        return;
      case 'selectNeuron':
        this.selectNeuron(msg.neuron);
        return;
      case 'openReport':
        this.openReport(msg.view, msg.path);
        return;
      case 'openSource':
        void this.openSource(msg.file, msg.line, msg.word);
        return;
      default: {
        const unknown: never = msg;
        this.services.log.warn(`report webview sent an unknown message: ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Reads the files now and sends the payload, or the reason it cannot be drawn. */
  send(): void {
    const { view, main } = this.files;
    if (!main) {
      this.post({ type: 'error', view, message: 'This report has no result file any more. Open one with "Grain: Open Report".' });
      return;
    }
    let first: AnyResult;
    try {
      first = this.services.results.read(main);
    } catch (e) {
      this.fail(main, e);
      return;
    }
    let second: AnyResult | undefined;
    let refused: AnyResult | undefined;
    // The results beside this one: its companion, and the rankings it is compared with.
    const near = view === 'ranking' || (!this.files.companion && this.files.findCompanion !== false) ? resultsBeside(main) : [];
    if (this.files.companion) {
      try {
        second = this.services.results.read(this.files.companion);
      } catch (e) {
        this.services.log.warn(`report ${main}: leaving out ${this.files.companion}: ${(e as Error).message}`);
      }
      // Only results that belong together are drawn together; the report says what was left out.
      if (second && !belongTogether(view, first, second)) {
        this.services.log.warn(`report ${main}: leaving out ${second.path}: it is not of the same probing task`);
        refused = second;
        second = undefined;
      }
    } else if (this.files.findCompanion !== false) {
      second = findCompanion(first, view, near);
      if (second) this.services.log.info(`report ${main}: shown with ${second.path}`);
    }
    try {
      this.payload = buildPayload(view, first, second, refused);
      if (this.payload.view === 'ranking' && !this.payload.agreement) {
        try {
          this.payload.agreement = agreementBeside(first, near);
        } catch (e) {
          this.services.log.warn(`report ${main}: no agreement of rankings: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      this.fail(main, e);
      return;
    }
    this.files = { ...this.files, companion: second?.path, findCompanion: false };
    this.post({ type: 'report', report: this.payload, main, companion: second?.path });
    const n = this.services.state.neuron;
    if (n) this.post({ type: 'neuronSelected', neuron: n.neuron });
  }

  private fail(path: string, e: unknown): void {
    const message = e instanceof GrainError ? e.message : `unexpected error: ${(e as Error).message}`;
    this.services.log.error(`report ${path}: ${message}`);
    this.payload = undefined;
    this.post({ type: 'error', view: this.files.view, path, message });
  }

  private selectNeuron(neuron: number): void {
    const p = this.payload;
    const sites = p?.view === 'ranking' ? ((p.probe ?? p.ranking ?? p.experiments)?.result.sites ?? p.agreement?.sites) : p?.view === 'contexts' ? p.contexts.result.sites : undefined;
    const where = sites ? locateNeuron(sites, neuron) : undefined;
    if (!where) {
      this.services.log.warn(`report: neuron ${neuron} is not in the result's sites`);
      return;
    }
    this.services.state.setNeuron(where);
  }

  /**
   * Contexts: opens a corpus file of the shown result beside the panel, at the line, with the word
   * selected. Only the result's own files: the webview names an index, never a path.
   */
  private async openSource(file: number, line: number, word: number): Promise<void> {
    const p = this.payload;
    if (p?.view !== 'contexts') return;
    const given = p.contexts.result.files[file];
    if (given === undefined || !Number.isInteger(line) || line < 1) return;
    const path = isAbsolute(given) ? given : resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(p.contexts.path), given);
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
      if (line > doc.lineCount) throw new GrainError(`the file has ${doc.lineCount} lines now, not ${line}: it changed since the contexts were computed`, { file: path });
      const text = doc.lineAt(line - 1).text;
      const span = wordSpans(text)[word];
      const range = span ? new vscode.Range(line - 1, span.start, line - 1, span.end) : new vscode.Range(line - 1, 0, line - 1, 0);
      await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    } catch (e) {
      void showError(e instanceof GrainError ? e : { message: (e as Error).message, file: path }, { what: 'Opening the context\'s line', log: this.services.log });
    }
  }

  private post(msg: HostToReport): void {
    void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (ReportPanel.open.get(this.key) === this) ReportPanel.open.delete(this.key);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function keyOf(files: ReportFiles): string {
  return `${files.view}:${files.main ? resolve(files.main) : ''}`;
}

function titleOf(files: ReportFiles): string {
  const name = files.main ? files.main.split(/[\\/]/).at(-1) : undefined;
  return name ? `${REPORT_TITLES[files.view]}: ${name}` : `Grain: ${REPORT_TITLES[files.view]}`;
}
