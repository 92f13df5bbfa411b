// The "Demo Models" webview panel: one at a time, restored by VS Code after a reload.
import * as vscode from 'vscode';
import type { HostToModelsView, ModelsViewToHost } from '../shared/protocol/models-view';
import { MODELS_VIEW_TYPE } from '../shared/protocol/models-view';
import type { DemoModels } from './demo-models';
import type { Log } from './log';
import { prepareWebview, renderWebviewHtml, webviewOptions } from './webview-host';

export interface ModelsPanelDeps {
  extensionUri: vscode.Uri;
  log: Log;
  /** Read on every `ready`, so a restored or reloaded panel shows the models as they are now. */
  loadModels: () => DemoModels;
  openModelCard: (id: string) => Promise<void>;
}

export class ModelsPanel implements vscode.Disposable {
  private static current: ModelsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(deps: ModelsPanelDeps): ModelsPanel {
    if (ModelsPanel.current) {
      ModelsPanel.current.panel.reveal();
      return ModelsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      MODELS_VIEW_TYPE,
      'Grain: Demo Models',
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    return new ModelsPanel(panel, deps);
  }

  /** Registers the serializer that brings the panel back after a window reload. */
  static registerSerializer(deps: ModelsPanelDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(MODELS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        // The webview keeps its own state (getState); the host only needs to rewire it.
        deps.log.info('restoring the Demo Models panel');
        prepareWebview(panel.webview, deps.extensionUri);
        ModelsPanel.current?.dispose();
        new ModelsPanel(panel, deps);
      },
    });
  }

  /** Sends fresh model facts to an open panel (after "Refresh Models"). */
  static refresh(): void {
    ModelsPanel.current?.sendModels();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: ModelsPanelDeps,
  ) {
    ModelsPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'grain.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, deps.extensionUri, { app: 'models', title: 'Grain: Demo Models' });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: ModelsViewToHost) => this.receive(msg)),
    );
  }

  private receive(msg: ModelsViewToHost): void {
    switch (msg.type) {
      case 'ready':
        this.sendModels();
        return;
      case 'openModelCard':
        this.deps.openModelCard(msg.id).catch((err) => this.deps.log.error(`cannot open the model card of ${msg.id}: ${String(err)}`));
        return;
      default: {
        const unknown: never = msg;
        this.deps.log.warn(`Demo Models webview sent an unknown message: ${JSON.stringify(unknown)}`);
      }
    }
  }

  private sendModels(): void {
    let msg: HostToModelsView;
    try {
      const { models, problems } = this.deps.loadModels();
      msg = { type: 'models', models, problems };
    } catch (err) {
      msg = { type: 'error', message: err instanceof Error ? err.message : String(err) };
      this.deps.log.error(`cannot read the demo models: ${msg.message}`);
    }
    void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (ModelsPanel.current === this) ModelsPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
