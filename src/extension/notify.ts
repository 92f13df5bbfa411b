// Every error notification Grain shows goes through showError (ESLint refuses showErrorMessage
// elsewhere): the reason first, the file relative to the workspace, and an action to open that
// file at its line, or the log where the whole message (absolute paths, stack) is.
import * as vscode from 'vscode';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { GrainError } from '../core/errors';
import { errorText, isTextFile, type PathRoots, type Problem } from './error-text';
import type { Log } from './log';
import { JobFailedError } from './worker-client';

const OPEN_FILE = 'Open File';
const SHOW_LOG = 'Show in Log';

let extensionRoot: string | undefined;

/** The extension's folder, shown relative too (its demo models and texts). Set once by activate(). */
export function setExtensionRoot(path: string): void {
  extensionRoot = path;
}

/** What a thrown value says, with the file and line of a Grain error. */
export function problemOf(e: unknown): Problem {
  if (e instanceof JobFailedError) return { message: e.error.message, file: e.error.file, line: e.error.line };
  if (e instanceof GrainError) return { message: e.message, file: e.where.file, line: e.where.line };
  if (e instanceof Error) return { message: e.message };
  if (typeof e === 'string') return { message: e };
  if (e && typeof e === 'object' && typeof (e as Problem).message === 'string') return e as Problem;
  return { message: String(e) };
}

/** The folders paths are shown relative to: the workspace folder, then the extension's (as installed, and its real path). */
export function pathRoots(): PathRoots {
  const others = extensionRoot ? [extensionRoot] : [];
  try {
    if (extensionRoot && realpathSync(extensionRoot) !== extensionRoot) others.push(realpathSync(extensionRoot));
  } catch {
    // a root that is gone shortens nothing
  }
  return { workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, others };
}

export interface ErrorOptions {
  /** The action that failed ("Extract activations of notes.txt"), said after the reason. */
  what?: string;
  /** Also written to this log, in full. */
  log?: Log;
  /** More buttons; the promise resolves to the one pressed (Open File and Show in Log are handled here). */
  actions?: string[];
}

/**
 * Shows an error toast: "Grain: <reason> — <what> failed · <file>:<line>", with Open File (for a
 * text file that exists) and Show in Log. Resolves to the extra action pressed, if any.
 */
export async function showError(problem: unknown, options: ErrorOptions = {}): Promise<string | undefined> {
  const p = problemOf(problem);
  const t = errorText(p, pathRoots(), options.what);
  options.log?.error(`${options.what ? `${options.what}: ` : ''}${p.message}`);
  const canOpen = t.file !== undefined && isTextFile(t.file) && isFile(t.file);
  const buttons = [...(options.actions ?? []), ...(canOpen ? [OPEN_FILE] : []), SHOW_LOG];
  const choice = await vscode.window.showErrorMessage(t.text, ...buttons);
  if (choice === OPEN_FILE && t.file) {
    const at = new vscode.Position(Math.max(0, (t.line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(t.file), { selection: new vscode.Range(at, at), preview: false });
    return undefined;
  }
  if (choice === SHOW_LOG) {
    await vscode.commands.executeCommand('grain.showLog');
    return undefined;
  }
  return choice;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}
