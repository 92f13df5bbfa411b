// Registers every Grain command; the command ids are contributed in package.json.
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { ablationCommand, correlateCommand, experimentsCommand, extractCorpus, extractCurrentFile, probeCommand } from './analysis';
import { runDemo } from './demo';
import { addModelFolder, chooseModel, openModelCard } from './models';
import { showNeuron } from './neurons';
import { deleteResult, openSavedReport, resultPathOf } from './reports';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  // Every command body goes through here: an unexpected failure becomes a logged message
  // instead of a silent rejected promise.
  const command = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        const e = err as Error;
        ctx.log.error(`${id}: ${e.stack ?? e.message}`);
        void vscode.window.showErrorMessage(`Grain: ${e.message}`);
        return undefined;
      }
    });
  return [
    command('grain.chooseModel', (arg) => chooseModel(ctx, arg)),
    command('grain.useModel', (arg) => chooseModel(ctx, arg)),
    command('grain.addModelFolder', (arg) => addModelFolder(ctx, arg)),
    command('grain.openModelCard', (arg) => openModelCard(ctx, arg)),
    command('grain.extractCurrentFile', () => extractCurrentFile(ctx)),
    command('grain.extractCorpus', () => extractCorpus(ctx)),
    command('grain.runProbe', () => probeCommand(ctx)),
    command('grain.runExperiments', () => experimentsCommand(ctx)),
    command('grain.correlateModels', () => correlateCommand(ctx)),
    command('grain.runAblation', () => ablationCommand(ctx)),
    command('grain.showNeuron', (arg) => showNeuron(ctx, arg)),
    command('grain.clearNeuron', () => ctx.state.setNeuron(undefined)),
    command('grain.openSavedReport', (arg) => openSavedReport(ctx, arg)),
    command('grain.runDemo', () => runDemo(ctx)),
    command('grain.revealResult', async (arg) => {
      const path = resultPathOf(arg);
      if (!path) return;
      const uri = vscode.Uri.file(path);
      // In a folder the Explorer can show it (also in the browser, where there is no OS file manager).
      if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
    }),
    command('grain.deleteResult', (arg) => deleteResult(ctx, arg)),
    command('grain.refreshAnalyses', () => ctx.services.results.notifyChanged()),
  ];
}
