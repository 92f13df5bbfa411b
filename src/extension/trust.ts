// Workspace trust, asked the same way by every part of Grain that would run a model.
import * as vscode from 'vscode';
import type { Log } from './log';

export const MANAGE_TRUST = 'Manage Workspace Trust';

/**
 * True when the workspace is trusted. Otherwise says that `what` runs a model, which needs
 * trust, and offers "Manage Workspace Trust"; the caller then does nothing.
 */
export async function requireTrust(log: Log, what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  log.warn(`${what}: not run, the workspace is not trusted`);
  const choice = await vscode.window.showWarningMessage(
    `Grain: ${what} runs a model on files of this workspace, which needs workspace trust. This workspace is in Restricted Mode.`,
    MANAGE_TRUST,
  );
  if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
