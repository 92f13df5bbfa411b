// Open Saved Report, and the Analyses view's Open / Reveal / Delete.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ResultKind } from '../../shared/results';
import type { CommandContext } from './context';

export const KIND_TITLES: Record<ResultKind, string> = {
  probe: 'Probes (ranked neurons)',
  experiments: 'Experiments',
  correlation: 'Cross-model correlations',
  ablation: 'Ablation curves',
};

/** The result file a command was invoked on: an Analyses row, a Uri, or a path. */
export function resultPathOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; result?: { path?: string } } | undefined;
  return node?.kind === 'result' && typeof node.result?.path === 'string' ? node.result.path : undefined;
}

export async function openSavedReport(ctx: CommandContext, arg?: unknown): Promise<void> {
  let path = resultPathOf(arg);
  if (!path) {
    const { results, unreadable } = ctx.services.results.list();
    if (results.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        `Grain: no saved results in ${ctx.services.results.dir}${unreadable.length ? ` (${unreadable.length} unreadable .json file(s))` : ''}.`,
        'Run Demo',
      );
      if (choice === 'Run Demo') await vscode.commands.executeCommand('grain.runDemo');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      results.map((r) => ({ label: r.name, description: r.kind, detail: [r.createdAt?.replace('T', ' ').slice(0, 19), r.models.map((m) => basename(m)).join(', ')].filter(Boolean).join(' · '), path: r.path })),
      { title: 'Grain: Open Saved Report', placeHolder: 'A saved result', matchOnDescription: true },
    );
    path = pick?.path;
  }
  if (!path) return;
  // A probe result becomes the current ranking, so the Neurons view and the editor follow it.
  try {
    if (ctx.services.results.read(path).kind === 'probe') await ctx.setRanking(path);
  } catch (err) {
    void vscode.window.showErrorMessage(`Grain: ${(err as Error).message}`);
    return;
  }
  await ctx.openReport(path);
}

export async function deleteResult(ctx: CommandContext, arg: unknown): Promise<void> {
  const path = resultPathOf(arg);
  if (!path) return;
  const choice = await vscode.window.showWarningMessage(`Delete the saved result ${basename(path)}? This cannot be undone.`, { modal: true }, 'Delete');
  if (choice !== 'Delete') return;
  try {
    await ctx.services.results.delete(path);
    ctx.log.info(`deleted ${path}`);
    if (ctx.state.probePath === path) {
      ctx.state.setProbe(undefined);
      ctx.state.setNeuron(undefined);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Grain: cannot delete ${basename(path)}: ${(err as Error).message}`);
  }
}
