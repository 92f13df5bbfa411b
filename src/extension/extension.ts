// Entry point: one log, one state, one worker and one results store, shared (as GrainServices)
// by the commands, the side panel, the status bar, the reports and the editor decorations.
import * as vscode from 'vscode';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { listDemoModels } from './demo-models';
import { createLog, type Log } from './log';
import { setExtensionRoot, showError } from './notify';
import { ModelsPanel, type ModelsPanelDeps } from './models-panel';
import { ResultsStore } from './results-store';
import type { GrainServices } from './services';
import { readSettings, type GrainSettings } from './settings';
import { GrainState } from './state';
import { createStatusBar } from './status-bar';
import { GrainWorker } from './worker-host';
import { CommandContext } from './commands/context';
import { registerCommands } from './commands/index';
import { registerContexts } from './commands/contexts';
import { CommandRegistry } from './commands/registry';
import { brownCorpusDir } from './commands/analysis';
import { ModelsTree } from './tree/models-tree';
import { AnalysesTree } from './tree/analyses-tree';
import { DatasetsTree } from './tree/datasets-tree';
import { NeuronsTree } from './tree/neurons-tree';
import { registerReports } from './reports';
import { registerEditor } from './editor';

export type { GrainServices } from './services';

export function activate(context: vscode.ExtensionContext): GrainServices {
  const log = createLog();
  context.subscriptions.push(log);
  setExtensionRoot(context.extensionUri.fsPath);
  const modelsDir = vscode.Uri.joinPath(context.extensionUri, 'models');
  log.info(`Grain ${context.extension.packageJSON.version} activated; demo models in ${modelsDir.fsPath}`);

  const state = new GrainState(context.workspaceState);
  const worker = new GrainWorker(context.extensionUri, log);
  const results = createResultsStore(context, log);
  const settings = settingsReader(log);
  const services: GrainServices = { state, worker, log, results, extensionUri: context.extensionUri, settings };
  context.subscriptions.push(state, worker);

  const ctx = new CommandContext(services);
  const commands = new CommandRegistry(log);
  context.subscriptions.push(commands);
  registerCommands(ctx, commands);
  registerContexts(ctx, context.workspaceState, commands);

  // Side panel.
  const modelsTree = new ModelsTree(
    () => {
      const listed = ctx.models();
      return [...listed, ...ctx.untrustedModels(listed)];
    },
    state,
    (message) => {
      void showError(message, { what: 'Reading the models', log });
    },
    {
      trusted: () => vscode.workspace.isTrusted,
      // Graph facts run the model: in the worker, quietly (the view shows progress in its rows).
      inspect: async (model) => {
        const report = await worker.runQuiet({ kind: 'inspect', model, threads: settings().threads }).result;
        log.info(`inspected ${model}: ${report.usable ? 'usable' : report.problems.join('; ')}`);
        return report;
      },
    },
  );
  const analyses = new AnalysesTree(results, state, (message) => log.error(message));
  const datasets = new DatasetsTree(results, modelsDir.fsPath, () => brownCorpusDir(ctx));
  const neurons = new NeuronsTree(state);
  context.subscriptions.push(
    modelsTree,
    analyses,
    datasets,
    neurons,
    vscode.window.createTreeView('grain.models', { treeDataProvider: modelsTree, showCollapseAll: true }),
    vscode.window.createTreeView('grain.datasets', { treeDataProvider: datasets }),
    vscode.window.createTreeView('grain.analyses', { treeDataProvider: analyses, showCollapseAll: true }),
    vscode.window.createTreeView('grain.neurons', { treeDataProvider: neurons, showCollapseAll: true }),
    createStatusBar(state),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('grain.modelPaths')) modelsTree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: Grain commands can run models now');
      modelsTree.refresh();
    }),
  );
  // Welcome content waits for this: before activation the views have no data yet, not no data.
  void vscode.commands.executeCommand('setContext', 'grain.activated', true);
  void vscode.commands.executeCommand('setContext', 'grain.hasProbe', state.probe !== undefined);
  context.subscriptions.push(state.onDidChangeProbe((p) => void vscode.commands.executeCommand('setContext', 'grain.hasProbe', p !== undefined)));
  void vscode.commands.executeCommand('setContext', 'grain.hasNeuron', state.neuron !== undefined);
  context.subscriptions.push(state.onDidChangeNeuron((n) => void vscode.commands.executeCommand('setContext', 'grain.hasNeuron', n !== undefined)));

  // The Demo Models webview (bundled models only).
  const loadDemoModels = () => {
    const found = listDemoModels(modelsDir.fsPath);
    for (const p of found.problems) log.warn(`demo model ${p.id}: ${p.message}`);
    return found;
  };
  const panelDeps: ModelsPanelDeps = {
    extensionUri: context.extensionUri,
    log,
    loadModels: loadDemoModels,
    openModelCard: (id: string) => Promise.resolve(vscode.commands.executeCommand('grain.openModelCard', join(modelsDir.fsPath, id))).then(() => undefined),
  };
  context.subscriptions.push(ModelsPanel.registerSerializer(panelDeps));
  commands.register('grain.showDemoModels', () => ModelsPanel.show(panelDeps));
  commands.register('grain.refreshModels', () => {
    modelsTree.refresh();
    ModelsPanel.refresh();
  });
  commands.register('grain.showLog', () => log.show());

  // The last probe comes back after a reload.
  const probePath = state.probePath;
  if (probePath && existsSync(probePath)) {
    try {
      const read = results.read(probePath);
      if (read.kind === 'probe' && !state.probe) state.setProbe({ result: read.result, path: probePath });
    } catch (err) {
      log.warn(`the last probe ${probePath} could not be reloaded: ${(err as Error).message}`);
    }
  } else if (probePath) {
    log.info(`the last probe ${probePath} is gone`);
    state.setProbe(undefined);
  }

  registerReports(context, services, commands);
  registerEditor(context, services, commands);
  const missing = commands.missing();
  if (missing.length > 0) log.error(`commands in package.json that nothing registered: ${missing.join(', ')}`);
  return services;
}

function createResultsStore(context: vscode.ExtensionContext, log: Log): ResultsStore {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const store = folder
    ? new ResultsStore(join(folder.uri.fsPath, '.grain'), true)
    : new ResultsStore(join(context.globalStorageUri.fsPath, 'results'), false);
  if (!folder) log.info(`no folder is open: results are saved in the extension's global storage, ${store.dir}`);
  else log.info(`results are saved in ${store.dir}`);
  const pattern = folder ? new vscode.RelativePattern(folder, '.grain/**') : new vscode.RelativePattern(vscode.Uri.file(store.dir), '**');
  const watcher = vscode.workspace.createFileSystemWatcher(pattern);
  // Jobs write through a temp file and a rename: coalesce the bursts of events that makes.
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => store.notifyChanged(), 150);
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), { dispose: () => clearTimeout(timer) });
  return store;
}

function settingsReader(log: Log): () => GrainSettings {
  let reported = '';
  return () => {
    const { settings, problems } = readSettings(vscode.workspace.getConfiguration('grain'), availableParallelism());
    const text = problems.join('\n');
    // Say it once per distinct problem, not on every read.
    if (text !== reported) {
      reported = text;
      for (const p of problems) log.warn(p);
      if (problems.length > 0) void vscode.window.showWarningMessage(`Grain: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, see the log)` : ''}.`);
    }
    return settings;
  };
}

export function deactivate(): void {}
