// Result files as command arguments, and the Analyses view's Reveal / Delete.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { CommandContext } from './context';
import { resultPathOf } from '../command-args';
import { showError } from '../notify';



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
    void showError(err, { what: `Deleting ${basename(path)}` });
  }
}
