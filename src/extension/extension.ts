// Entry point: wires commands, the Models tree and the Demo Models panel to the demo models.
import * as vscode from 'vscode';
import { listDemoModels } from './demo-models';
import { createLog } from './log';
import { ModelsPanel, type ModelsPanelDeps } from './models-panel';
import { modelIdOf, ModelsTree } from './models-tree';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  const modelsDir = vscode.Uri.joinPath(context.extensionUri, 'models');
  log.info(`Grain ${context.extension.packageJSON.version} activated; demo models in ${modelsDir.fsPath}`);

  const loadModels = () => {
    const found = listDemoModels(modelsDir.fsPath);
    for (const p of found.problems) log.warn(`demo model ${p.id}: ${p.message}`);
    return found;
  };

  const openModelCard = async (id: string) => {
    const card = vscode.Uri.joinPath(modelsDir, id, 'MODEL_CARD.md');
    try {
      await vscode.workspace.fs.stat(card);
    } catch {
      void vscode.window.showErrorMessage(`Grain: model ${id} has no MODEL_CARD.md (${card.fsPath}).`);
      return;
    }
    await vscode.commands.executeCommand('markdown.showPreview', card);
  };

  const panelDeps: ModelsPanelDeps = { extensionUri: context.extensionUri, log, loadModels, openModelCard };
  const tree = new ModelsTree(loadModels, (message) => {
    log.error(`cannot read the demo models: ${message}`);
    void vscode.window.showErrorMessage(`Grain: cannot read the demo models: ${message}`);
  });

  context.subscriptions.push(
    vscode.window.createTreeView('grain.models', { treeDataProvider: tree, showCollapseAll: true }),
    ModelsPanel.registerSerializer(panelDeps),
    vscode.commands.registerCommand('grain.showDemoModels', () => ModelsPanel.show(panelDeps)),
    vscode.commands.registerCommand('grain.refreshModels', () => {
      tree.refresh();
      ModelsPanel.refresh();
    }),
    vscode.commands.registerCommand('grain.openModelCard', async (arg?: unknown) => {
      const id = modelIdOf(arg) ?? (typeof arg === 'string' ? arg : await pickModel(loadModels().models.map((m) => m.id)));
      if (id) await openModelCard(id);
    }),
    vscode.commands.registerCommand('grain.showLog', () => log.show()),
  );
}

async function pickModel(ids: string[]): Promise<string | undefined> {
  if (ids.length === 0) {
    void vscode.window.showWarningMessage('Grain: no demo models found in the extension folder.');
    return undefined;
  }
  return vscode.window.showQuickPick(ids, { placeHolder: 'Model whose card to open' });
}

export function deactivate(): void {}
