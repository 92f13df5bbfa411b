// Which documents the editor features apply to, and small vscode helpers they share.
import * as vscode from 'vscode';
import { isAbsolute, resolve } from 'node:path';
import { wordClassifierProblem, type ProbeResult } from '../../shared/results';
import { modelDisplayName, sameModel } from '../../core/model/folder';
import { isConlluName } from '../../core/corpus/labelled-document';
import type { ModelRef } from './analysis';

/**
 * The file the user works on: the active text editor, unless that is a panel's (the Output or
 * Debug Console view, whose log becomes the active editor while it has focus), then the
 * editor area's visible editor, the most recently focused group's first.
 */
export function currentFileEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active && !inPanel(active)) return active;
  const inArea = vscode.window.visibleTextEditors.filter((e) => !inPanel(e));
  const group = vscode.window.tabGroups?.activeTabGroup.viewColumn;
  return inArea.find((e) => e.viewColumn === group) ?? inArea[0];
}

function inPanel(editor: vscode.TextEditor): boolean {
  return editor.viewColumn === undefined || editor.document.uri.scheme === 'output';
}

/** Plain-text-like languages by default; `grain.decorations.languages` adds or replaces them. */
export function heatLanguages(): string[] {
  const v = vscode.workspace.getConfiguration('grain').get<unknown>('decorations.languages');
  return Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? (v as string[]) : ['plaintext'];
}

export function isHeatDocument(doc: vscode.TextDocument): boolean {
  // A CoNLL-U file's lines are token rows, not sentences: its words are marked by probe errors instead.
  if (isConlluName(doc.uri.path)) return false;
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote') && heatLanguages().includes(doc.languageId);
}

/** Languages of prose that Grain could colour but does not by default: told, not silently skipped. */
const PROSE = new Set(['markdown', 'plaintext', 'restructuredtext', 'latex', 'tex', 'asciidoc', 'org', 'text']);

/** A prose document (a file or untitled) whose language grain.decorations.languages leaves out. */
export function isProseDocument(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote') && PROSE.has(doc.languageId) && !heatLanguages().includes(doc.languageId);
}

/** The current probe if it was trained on this model, else why not. */
export function probeFor(probe: { result: ProbeResult; path: string } | undefined, model: ModelRef): { path: string; result: ProbeResult } | { skipped: string } | undefined {
  if (!probe) return undefined;
  const why = wordClassifierProblem(probe.result);
  if (why) return { skipped: `the current probe predicts no word classes: ${why}` };
  const src = probe.result.source?.model;
  if (!src) return probe;
  // Results the CLI wrote may hold paths relative to where it ran: the workspace folder.
  const path = isAbsolute(src) ? src : resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '.', src);
  if (!sameModel(path, model.dir)) return { skipped: `the current probe is of ${modelDisplayName(path)}, not ${model.name}` };
  return probe;
}
