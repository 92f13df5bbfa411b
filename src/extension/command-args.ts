// What a command was invoked on: a tree row, a Uri (explorer, other commands) or a path. The
// commands, the trees and the editor share these, so every entry point reads its argument alike.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { parseNeuron, type NeuronLocation, type SiteWidth } from '../shared/neurons';

/** A model folder from a command argument: a Models tree row, a Uri, or a path. */
export function folderOfArg(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; model?: { folder?: string } } | undefined;
  if (node?.kind === 'model' && typeof node.model?.folder === 'string') return node.model.folder;
  return undefined;
}

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

/** What a command argument names: a number, "17", "layer1:17", { neuron: 17 } or [17]. */
function argValue(arg: unknown): unknown {
  return Array.isArray(arg) ? arg[0] : typeof arg === 'object' && arg !== null ? (arg as { neuron?: unknown }).neuron : arg;
}

/** A neuron id from a command argument (pins are ids of the current model). */
export function neuronArg(arg: unknown): number | undefined {
  const v = argValue(arg);
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** A neuron from a command argument, by id or site and unit. */
export function neuronOfArg(arg: unknown, sites: readonly SiteWidth[]): NeuronLocation | { error: string } {
  const v = argValue(arg);
  if (typeof v === 'string' || typeof v === 'number') return parseNeuron(String(v), sites);
  return { error: `Show Neuron needs a neuron id or a site and unit, not ${JSON.stringify(arg)}` };
}
