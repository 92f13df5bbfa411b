// The "Grain" output channel. A LogOutputChannel, so users can raise the level to debug
// and every line carries a timestamp and level.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Grain', { log: true });
}
