// Result files as command arguments, and the Analyses view's Reveal / Delete.
import * as vscode from 'vscode';
import { basename, isAbsolute, join } from 'node:path';
import type { ResultKind } from '../../shared/results';
import type { CommandContext } from './context';

export const KIND_TITLES: Record<ResultKind, string> = {
  probe: 'Probes (ranked neurons)',
  experiments: 'Experiments',
  correlation: 'Cross-model correlations',
  ablation: 'Ablation curves',
};

/**
 * The result file a command was invoked on: an Analyses row, a Uri (explorer, other commands),
 * or a path (relative paths are the first workspace folder's).
 */
export function resultPathOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && 'fsPath' in arg && typeof (arg as { fsPath: unknown }).fsPath === 'string') return (arg as { fsPath: string }).fsPath;
  if (typeof arg === 'string' && arg.trim() !== '') {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return isAbsolute(arg) || !folder ? arg : join(folder.uri.fsPath, arg);
  }
  const node = arg as { kind?: string; result?: { path?: string } } | undefined;
  return node?.kind === 'result' && typeof node.result?.path === 'string' ? node.result.path : undefined;
}

export async function revealResult(arg: unknown): Promise<void> {
  const path = resultPathOf(arg);
  if (path) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
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
