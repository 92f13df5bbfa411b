// What a test does to the `vscode` stand-in: set up a workspace, script the user's answers, act
// as the user (type, scroll, close, trust), and read what the extension showed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import {
  changeConfiguration,
  hoverProvidersFor,
  openDocument,
  resetState,
  showEditor,
  state,
  type InputBoxRecord,
  type MessageRecord,
  type QuickPick,
  type QuickPickRecord,
  type Severity,
} from './api';
import type { TextDocument, TextEditor } from './documents';
import { CancellationTokenSource, Range, Uri, type Hover } from './types';

export const REPO = join(__dirname, '..', '..', '..');

interface Manifest {
  contributes?: { configuration?: { properties?: Record<string, { default?: unknown }> } };
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
}

export interface ResetOptions {
  /** Workspace folders (paths); none by default, as in a window without a folder. */
  workspaceFolders?: string[];
  trusted?: boolean;
  /** Workspace settings by full key. */
  settings?: Record<string, unknown>;
  /** User settings by full key. */
  userSettings?: Record<string, unknown>;
  /** Setting defaults and restricted settings come from this package.json (Grain's by default). */
  manifest?: string;
}

type Match<Q> = string | RegExp | ((q: Q) => boolean);

function matcher<Q>(match: Match<Q> | undefined, text: (q: Q) => string): ((q: Q) => boolean) | undefined {
  if (match === undefined) return undefined;
  if (typeof match === 'function') return match;
  return (q) => (typeof match === 'string' ? text(q).includes(match) : match.test(text(q)));
}

const pickTitle = (q: QuickPickRecord) => `${q.options?.title ?? ''} ${q.options?.placeHolder ?? ''}`;

/** A QuickPickItem's label without its $(icon) prefixes. */
export function plainLabel(item: vscode.QuickPickItem): string {
  return item.label.replace(/\$\([\w~-]+\)\s*/g, '');
}

export const fake = {
  /** A fresh stand-in: no records, no answers, no commands, no editors; then the options. */
  reset(options: ResetOptions = {}): void {
    const s = resetState();
    const manifest = JSON.parse(readFileSync(options.manifest ?? join(REPO, 'package.json'), 'utf8')) as Manifest;
    for (const [key, p] of Object.entries(manifest.contributes?.configuration?.properties ?? {})) {
      if (p.default !== undefined) s.configurationDefaults.set(key, p.default);
    }
    for (const key of manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []) s.restrictedConfigurations.add(key);
    s.trusted = options.trusted ?? true;
    fake.setWorkspaceFolders(options.workspaceFolders ?? []);
    for (const [k, v] of Object.entries(options.settings ?? {})) s.settings.workspace.set(k, v);
    for (const [k, v] of Object.entries(options.userSettings ?? {})) s.settings.global.set(k, v);
  },

  get state() {
    return state;
  },

  setWorkspaceFolders(paths: string[]): void {
    state.workspaceFolders = paths.length === 0 ? undefined : paths.map((p, index) => ({ uri: Uri.file(p), name: p.split('/').at(-1)!, index }));
  },

  /** Changes a setting as the Settings editor would (fires onDidChangeConfiguration). */
  setSetting(key: string, value: unknown, target: 'workspace' | 'global' = 'workspace'): void {
    changeConfiguration(key, value, target);
  },

  /** Trusts the workspace (what "Trust" in the workspace trust editor does). */
  grantTrust(): void {
    if (state.trusted) return;
    state.trusted = true;
    state.events.grantTrust.fire();
  },

  // --- scripted answers --------------------------------------------------------------------

  /** The user clicks `button` (undefined: closes the notification) on the next message matching `match`. */
  answerMessage(button: string | undefined, match?: Match<MessageRecord>): void {
    state.answers.message.push({ match: matcher(match, (m) => m.message), answer: () => button });
  },

  /** The user picks what `choose` returns from the next quick pick whose title or placeholder matches. */
  answerQuickPick(choose: (items: readonly vscode.QuickPickItem[], q: QuickPickRecord) => vscode.QuickPickItem | readonly vscode.QuickPickItem[] | undefined, match?: Match<QuickPickRecord>): void {
    state.answers.quickPick.push({ match: matcher(match, pickTitle), answer: (q) => choose(q.items, q) });
  },

  /** The user picks the item whose label (without icons) is or matches `label`. */
  pick(label: string | RegExp, match?: Match<QuickPickRecord>): void {
    fake.answerQuickPick((items, q) => {
      const found = items.find((i) => (typeof label === 'string' ? plainLabel(i) === label : label.test(plainLabel(i))));
      if (!found) throw new Error(`no item ${label} in the quick pick "${pickTitle(q).trim()}": ${items.map((i) => i.label).join(' | ')}`);
      return found;
    }, match);
  },

  /** The user types `text` into the next input box (and submits it if it is valid). */
  answerInputBox(text: string | undefined, match?: Match<InputBoxRecord>): void {
    state.answers.inputBox.push({ match: matcher(match, (q) => `${q.options?.title ?? ''} ${q.options?.prompt ?? ''}`), answer: () => text });
  },

  /** The user chooses these paths in the next open dialog (undefined: cancels it). */
  answerOpenDialog(paths: string[] | undefined): void {
    state.answers.openDialog.push({ answer: () => paths?.map((p) => Uri.file(p)) });
  },

  /** What the user does in the next window.createQuickPick widget once it shows. */
  answerQuickPickWidget(script: (qp: QuickPick<vscode.QuickPickItem>) => void | Promise<void>): void {
    state.answers.createQuickPick.push({ answer: script });
  },

  /** Runs `fn` when the extension executes the built-in command `id` (e.g. workbench.trust.manage). */
  onBuiltinCommand(id: string, fn: (...args: unknown[]) => unknown): void {
    state.answers.builtin.set(id, fn);
  },

  // --- acting in the editor ----------------------------------------------------------------

  /** Opens a file (or text) in an editor and makes it the active one. */
  async openEditor(file: string | { content: string; language?: string; path?: string }, visibleLines?: { start: number; end: number }): Promise<TextEditor> {
    const doc =
      typeof file === 'string'
        ? openDocument(Uri.file(file))
        : openDocument(file.path ? Uri.file(file.path) : Uri.from({ scheme: 'untitled', path: `Untitled-${++state.untitled}` }), file.content, file.language ?? 'plaintext');
    return showEditor(doc, undefined, visibleLines);
  },

  /** Focus in the Output panel: its log becomes the active text editor, one with no view column. */
  focusOutputPanel(channel: string, text: string): TextEditor {
    const doc = openDocument(Uri.from({ scheme: 'output', path: channel }), text, 'Log');
    const editor = showEditor(doc);
    editor.viewColumn = undefined;
    return editor;
  },

  /** Replaces `range` of the document with `text`, as typing does, and tells listeners. */
  edit(doc: TextDocument, range: vscode.Range, text: string): void {
    const change = doc.applyEdit(range, text);
    state.events.changeDocument.fire({ document: doc, contentChanges: [change], reason: undefined });
  },

  /** Types `text` at the end of line `line`. */
  typeAtEndOfLine(doc: TextDocument, line: number, text: string): void {
    const end = doc.lineAt(line).range.end;
    fake.edit(doc, new Range(end, end), text);
  },

  /** Scrolls an editor so lines start..end are visible. */
  scroll(editor: TextEditor, start: number, end: number): void {
    editor.visibleRanges = [new Range(start, 0, end, 0)];
    state.events.visibleRanges.fire({ textEditor: editor, visibleRanges: editor.visibleRanges });
  },

  /** Closes the document and its editors. */
  closeDocument(doc: TextDocument): void {
    const had = state.editors.some((e) => e.document === doc);
    state.editors = state.editors.filter((e) => e.document !== doc);
    if (state.activeEditor?.document === doc) {
      state.activeEditor = state.editors.at(-1);
      state.events.activeEditor.fire(state.activeEditor);
    }
    if (had) state.events.visibleEditors.fire([...state.editors]);
    doc.isClosed = true;
    state.events.closeDocument.fire(doc);
  },

  /** Moves the mouse over `position`: what every registered hover provider for the document says. */
  async hover(doc: vscode.TextDocument, position: vscode.Position, token = new CancellationTokenSource().token): Promise<Hover[]> {
    const out: Hover[] = [];
    for (const p of hoverProvidersFor(doc)) {
      const h = await p.provideHover(doc, position, token);
      if (h) out.push(h as Hover);
    }
    return out;
  },

  // --- reading what was shown --------------------------------------------------------------

  messages(severity?: Severity): MessageRecord[] {
    return state.messages.filter((m) => !severity || m.severity === severity);
  },

  treeView(id: string) {
    const view = state.treeViews.get(id);
    if (!view) throw new Error(`no tree view ${id}; created: ${[...state.treeViews.keys()].join(', ')}`);
    return view;
  },

  statusBarItem(id: string) {
    const item = state.statusBarItems.find((i) => i.id === id && !i.disposed);
    if (!item) throw new Error(`no status bar item ${id}; created: ${state.statusBarItems.map((i) => i.id).join(', ')}`);
    return item;
  },

  output(name: string) {
    const channel = state.outputChannels.get(name);
    if (!channel) throw new Error(`no output channel ${name}`);
    return channel;
  },

  /** The ids executed through commands.executeCommand, in order. */
  executed(id?: string): { id: string; args: unknown[] }[] {
    return state.executed.filter((e) => !id || e.id === id);
  },
};
