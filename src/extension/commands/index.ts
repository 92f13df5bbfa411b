// The commands of the command palette and the side panel (the editor's and the reports' register
// themselves in src/extension/editor and src/extension/reports), all through one registry.
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import type { CommandRegistry } from './registry';
import { correlateCommand, experimentsCommand, extractCorpus, extractCurrentFile, probeCommand } from './analysis';
import { runDemo } from './demo';
import { ablationCommand } from './ablation';
import { showActivations } from './activations';
import { probeConceptCommand } from './concept';
import { addModelFolder, chooseModel, openModelCard } from './models';
import { deleteResult } from './reports';
import { resultPathOf } from '../command-args';

export function registerCommands(ctx: CommandContext, commands: CommandRegistry): void {
  commands.register('grain.chooseModel', (arg) => chooseModel(ctx, arg));
  commands.register('grain.useModel', (arg) => chooseModel(ctx, arg));
  commands.register('grain.addModelFolder', (arg) => addModelFolder(ctx, arg));
  commands.register('grain.openModelCard', (arg) => openModelCard(ctx, arg));
  commands.register('grain.extractCurrentFile', () => extractCurrentFile(ctx));
  commands.register('grain.extractCorpus', () => extractCorpus(ctx));
  commands.register('grain.runProbe', () => probeCommand(ctx));
  commands.register('grain.probeConcept', () => probeConceptCommand(ctx));
  commands.register('grain.runExperiments', () => experimentsCommand(ctx));
  commands.register('grain.correlateModels', () => correlateCommand(ctx));
  commands.register('grain.runAblation', () => ablationCommand(ctx));
  commands.register('grain.clearNeuron', () => ctx.state.setNeuron(undefined));
  commands.register('grain.runDemo', () => runDemo(ctx));
  commands.register('grain.revealResult', async (arg) => {
    const path = resultPathOf(arg);
    if (!path) return;
    const uri = vscode.Uri.file(path);
    // In a folder the Explorer can show it (also in the browser, where there is no OS file manager).
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  });
  commands.register('grain.deleteResult', (arg) => deleteResult(ctx, arg));
  commands.register('grain.refreshAnalyses', () => ctx.services.results.notifyChanged());
  commands.register('grain.showActivations', (arg) => showActivations(ctx, arg));
}
