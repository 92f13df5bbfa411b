// The `vscode` namespaces Grain uses (workspace, window, commands, languages, env), in memory.
// What the extension shows (messages, quick picks, tree views, status bar items, output, webview
// panels) is recorded in `state`; what the user answers is scripted (see control.ts). A question
// nobody scripted an answer for is dismissed, as a user pressing Escape would: nothing hangs.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type * as vscode from 'vscode';
import { languageOf, TextDocument, TextEditor } from './documents';
import {
  CancellationTokenSource,
  ConfigurationTarget,
  Disposable,
  EventEmitter,
  FileSystemError,
  FileType,
  LogLevel,
  RelativePattern,
  UIKind,
  Uri,
  ViewColumn,
} from './types';

// ---------------------------------------------------------------------------------------------
// What tests read: the records.

export type Severity = 'info' | 'warning' | 'error';

export interface MessageRecord {
  severity: Severity;
  message: string;
  /** The buttons' titles. */
  items: string[];
  modal: boolean;
  /** What the scripted user clicked (undefined: dismissed). */
  answer?: string;
}

export interface QuickPickRecord {
  items: readonly vscode.QuickPickItem[];
  options: vscode.QuickPickOptions | undefined;
  answer?: vscode.QuickPickItem | readonly vscode.QuickPickItem[];
}

export interface InputBoxRecord {
  options: vscode.InputBoxOptions | undefined;
  /** What validateInput said of the typed value (undefined: valid). */
  validation?: string;
  answer?: string;
}

export interface ProgressRecord {
  options: vscode.ProgressOptions;
  reports: { message?: string; increment?: number }[];
  done: boolean;
  /** Clicks the notification's Cancel button. */
  cancel(): void;
}

export class LogChannel implements vscode.LogOutputChannel {
  readonly lines: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'text'; message: string }[] = [];
  logLevel = LogLevel.Info;
  shown = false;
  private readonly levelChanged = new EventEmitter<vscode.LogLevel>();
  readonly onDidChangeLogLevel = this.levelChanged.event;
  constructor(readonly name: string) {}
  private add(level: LogChannel['lines'][number]['level'], message: string | Error): void {
    this.lines.push({ level, message: message instanceof Error ? (message.stack ?? message.message) : message });
  }
  trace(message: string): void {
    this.add('trace', message);
  }
  debug(message: string): void {
    this.add('debug', message);
  }
  info(message: string): void {
    this.add('info', message);
  }
  warn(message: string): void {
    this.add('warn', message);
  }
  error(error: string | Error): void {
    this.add('error', error);
  }
  append(value: string): void {
    this.add('text', value);
  }
  appendLine(value: string): void {
    this.add('text', value);
  }
  replace(value: string): void {
    this.lines.length = 0;
    this.add('text', value);
  }
  clear(): void {
    this.lines.length = 0;
  }
  show(): void {
    this.shown = true;
  }
  hide(): void {
    this.shown = false;
  }
  dispose(): void {}
  /** The lines of one level (or all), as text. */
  text(level?: LogChannel['lines'][number]['level']): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
  }
}

export class StatusBarItem implements vscode.StatusBarItem {
  name: string | undefined;
  text = '';
  tooltip: string | vscode.MarkdownString | undefined;
  tooltip2: undefined;
  color: string | vscode.ThemeColor | undefined;
  backgroundColor: vscode.ThemeColor | undefined;
  command: string | vscode.Command | undefined;
  accessibilityInformation: vscode.AccessibilityInformation | undefined;
  visible = false;
  disposed = false;
  constructor(
    readonly id: string,
    readonly alignment: vscode.StatusBarAlignment,
    readonly priority: number | undefined,
  ) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
    this.disposed = true;
  }
}

export class TreeView<T> implements vscode.TreeView<T> {
  readonly selection: readonly T[] = [];
  visible = true;
  message?: string;
  title?: string;
  description?: string;
  badge?: vscode.ViewBadge;
  disposed = false;
  private readonly emitters = {
    expand: new EventEmitter<vscode.TreeViewExpansionEvent<T>>(),
    collapse: new EventEmitter<vscode.TreeViewExpansionEvent<T>>(),
    selection: new EventEmitter<vscode.TreeViewSelectionChangeEvent<T>>(),
    visibility: new EventEmitter<vscode.TreeViewVisibilityChangeEvent>(),
    checkbox: new EventEmitter<vscode.TreeCheckboxChangeEvent<T>>(),
  };
  readonly onDidExpandElement = this.emitters.expand.event;
  readonly onDidCollapseElement = this.emitters.collapse.event;
  readonly onDidChangeSelection = this.emitters.selection.event;
  readonly onDidChangeVisibility = this.emitters.visibility.event;
  readonly onDidChangeCheckboxState = this.emitters.checkbox.event;
  constructor(
    readonly id: string,
    readonly options: vscode.TreeViewOptions<T>,
  ) {
    this.title = id;
  }
  get provider(): vscode.TreeDataProvider<T> {
    return this.options.treeDataProvider;
  }
  reveal(): Thenable<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.disposed = true;
  }
}

export class Webview implements vscode.Webview {
  html = '';
  options: vscode.WebviewOptions = {};
  readonly cspSource = 'https://*.vscode-cdn.net';
  /** Messages the extension posted to the page. */
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  asWebviewUri(uri: vscode.Uri): vscode.Uri {
    return Uri.from({ scheme: 'https', authority: 'file+.vscode-resource.vscode-cdn.net', path: uri.path });
  }
  postMessage(message: unknown): Thenable<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  /** The page sends `message` to the extension. */
  receive(message: unknown): void {
    this.received.fire(message);
  }
}

export class WebviewPanel implements vscode.WebviewPanel {
  readonly webview = new Webview();
  iconPath?: vscode.Uri | { readonly light: vscode.Uri; readonly dark: vscode.Uri };
  active = true;
  visible = true;
  disposed = false;
  private readonly disposeEmitter = new EventEmitter<void>();
  private readonly viewState = new EventEmitter<vscode.WebviewPanelOnDidChangeViewStateEvent>();
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = this.viewState.event;
  constructor(
    readonly viewType: string,
    public title: string,
    public viewColumn: vscode.ViewColumn | undefined,
    readonly options: vscode.WebviewPanelOptions & vscode.WebviewOptions,
  ) {
    this.webview.options = options;
  }
  reveal(): void {
    this.active = true;
    this.visible = true;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export class QuickPick<T extends vscode.QuickPickItem> implements vscode.QuickPick<T> {
  value = '';
  placeholder: string | undefined;
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  enabled = true;
  busy = false;
  ignoreFocusOut = false;
  canSelectMany = false;
  matchOnDescription = false;
  matchOnDetail = false;
  keepScrollPosition = false;
  buttons: readonly vscode.QuickInputButton[] = [];
  items: readonly T[] = [];
  activeItems: readonly T[] = [];
  selectedItems: readonly T[] = [];
  shown = false;
  private readonly emitters = {
    value: new EventEmitter<string>(),
    accept: new EventEmitter<void>(),
    hide: new EventEmitter<void>(),
    active: new EventEmitter<readonly T[]>(),
    selection: new EventEmitter<readonly T[]>(),
    button: new EventEmitter<vscode.QuickInputButton>(),
    itemButton: new EventEmitter<vscode.QuickPickItemButtonEvent<T>>(),
  };
  readonly onDidChangeValue = this.emitters.value.event;
  readonly onDidAccept = this.emitters.accept.event;
  readonly onDidHide = this.emitters.hide.event;
  readonly onDidChangeActive = this.emitters.active.event;
  readonly onDidChangeSelection = this.emitters.selection.event;
  readonly onDidTriggerButton = this.emitters.button.event;
  readonly onDidTriggerItemButton = this.emitters.itemButton.event;

  show(): void {
    if (this.shown) return;
    this.shown = true;
    // Items are the caller's own objects, so the widget is the same one for any T.
    const self = this as unknown as QuickPick<vscode.QuickPickItem>;
    state.quickPickWidgets.push(self);
    const act = takeAnswer(state.answers.createQuickPick, self) ?? ((qp: QuickPick<vscode.QuickPickItem>) => qp.hide());
    // The user acts after the widget is on screen, never synchronously inside show().
    setImmediate(() => void act(self));
  }
  hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.emitters.hide.fire();
  }
  dispose(): void {
    this.hide();
  }
  /** The user types `value` into the box. */
  type(value: string): void {
    this.value = value;
    this.emitters.value.fire(value);
  }
  /** The user accepts `item` (or the typed value when no item is selected). */
  accept(item?: T): void {
    this.selectedItems = item ? [item] : [];
    this.emitters.accept.fire();
  }
}

// ---------------------------------------------------------------------------------------------
// Scripted answers: each queue holds what the user does next, optionally only for a matching question.

export interface Scripted<Q, A> {
  match?: (question: Q) => boolean;
  answer: (question: Q) => A | Promise<A>;
}

function takeAnswer<Q, A>(queue: Scripted<Q, A>[], question: Q): ((q: Q) => A | Promise<A>) | undefined {
  const i = queue.findIndex((s) => !s.match || s.match(question));
  if (i < 0) return undefined;
  const [s] = queue.splice(i, 1);
  return s!.answer;
}

// ---------------------------------------------------------------------------------------------
// State, reset by control.ts `fake.reset()`.

function freshState() {
  return {
    trusted: true,
    workspaceFolders: undefined as vscode.WorkspaceFolder[] | undefined,
    /** Setting values by full key ("grain.modelPaths"), per target. */
    settings: { global: new Map<string, unknown>(), workspace: new Map<string, unknown>() },
    /** Defaults and restricted settings, from the manifest (package.json) given to reset. */
    configurationDefaults: new Map<string, unknown>(),
    restrictedConfigurations: new Set<string>(),
    documents: [] as TextDocument[],
    editors: [] as TextEditor[],
    activeEditor: undefined as TextEditor | undefined,
    untitled: 0,
    messages: [] as MessageRecord[],
    quickPicks: [] as QuickPickRecord[],
    quickPickWidgets: [] as QuickPick<vscode.QuickPickItem>[],
    inputBoxes: [] as InputBoxRecord[],
    openDialogs: [] as { options: vscode.OpenDialogOptions | undefined; answer?: readonly vscode.Uri[] }[],
    progress: [] as ProgressRecord[],
    statusBarMessages: [] as string[],
    statusBarItems: [] as StatusBarItem[],
    outputChannels: new Map<string, LogChannel>(),
    treeViews: new Map<string, TreeView<unknown>>(),
    webviewPanels: [] as WebviewPanel[],
    panelSerializers: new Map<string, vscode.WebviewPanelSerializer>(),
    webviewViewProviders: new Map<string, vscode.WebviewViewProvider>(),
    decorationTypes: [] as (vscode.TextEditorDecorationType & { options: vscode.DecorationRenderOptions; disposed: boolean })[],
    hoverProviders: [] as { selector: vscode.DocumentSelector; provider: vscode.HoverProvider }[],
    codeActionProviders: [] as { selector: vscode.DocumentSelector; provider: vscode.CodeActionProvider }[],
    diagnosticCollections: [] as DiagnosticCollection[],
    fileWatchers: [] as FileSystemWatcher[],
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    /** Every executeCommand call, in order. */
    executed: [] as { id: string; args: unknown[] }[],
    contexts: new Map<string, unknown>(),
    answers: {
      message: [] as Scripted<MessageRecord, string | undefined>[],
      quickPick: [] as Scripted<QuickPickRecord, vscode.QuickPickItem | readonly vscode.QuickPickItem[] | undefined>[],
      inputBox: [] as Scripted<InputBoxRecord, string | undefined>[],
      openDialog: [] as Scripted<vscode.OpenDialogOptions | undefined, readonly vscode.Uri[] | undefined>[],
      /** What the user does in a createQuickPick widget (type, accept, hide). */
      createQuickPick: [] as Scripted<QuickPick<vscode.QuickPickItem>, void>[],
      /** Built-in commands (workbench.trust.manage, ...) a test wants to act on. */
      builtin: new Map<string, (...args: unknown[]) => unknown>(),
    },
    events: {
      configuration: new EventEmitter<vscode.ConfigurationChangeEvent>(),
      grantTrust: new EventEmitter<void>(),
      openDocument: new EventEmitter<vscode.TextDocument>(),
      closeDocument: new EventEmitter<vscode.TextDocument>(),
      changeDocument: new EventEmitter<vscode.TextDocumentChangeEvent>(),
      visibleEditors: new EventEmitter<readonly vscode.TextEditor[]>(),
      activeEditor: new EventEmitter<vscode.TextEditor | undefined>(),
      visibleRanges: new EventEmitter<vscode.TextEditorVisibleRangesChangeEvent>(),
      workspaceFolders: new EventEmitter<vscode.WorkspaceFoldersChangeEvent>(),
    },
  };
}

export type StandInState = ReturnType<typeof freshState>;
export let state: StandInState = freshState();

export function resetState(): StandInState {
  for (const e of Object.values(state.events)) e.dispose();
  state = freshState();
  return state;
}

/** VS Code's built-in commands that Grain calls: they resolve (and are recorded); unknown ids reject as in VS Code. */
export const BUILTIN_COMMANDS = new Set([
  'setContext',
  'vscode.open',
  'workbench.trust.manage',
  'workbench.action.openSettings',
  'markdown.showPreview',
  'revealInExplorer',
  'revealFileInOS',
]);

// ---------------------------------------------------------------------------------------------
// workspace

class FileSystemWatcher implements vscode.FileSystemWatcher {
  readonly ignoreCreateEvents = false;
  readonly ignoreChangeEvents = false;
  readonly ignoreDeleteEvents = false;
  readonly created = new EventEmitter<vscode.Uri>();
  readonly changed = new EventEmitter<vscode.Uri>();
  readonly deleted = new EventEmitter<vscode.Uri>();
  readonly onDidCreate = this.created.event;
  readonly onDidChange = this.changed.event;
  readonly onDidDelete = this.deleted.event;
  disposed = false;
  constructor(readonly pattern: vscode.GlobPattern) {}
  dispose(): void {
    this.disposed = true;
  }
}

function configurationValue(key: string): unknown {
  const ws = state.settings.workspace;
  const restricted = !state.trusted && state.restrictedConfigurations.has(key);
  if (ws.has(key) && !restricted) return ws.get(key);
  if (state.settings.global.has(key)) return state.settings.global.get(key);
  return state.configurationDefaults.get(key);
}

function hasConfigurationValue(key: string): boolean {
  return state.settings.workspace.has(key) || state.settings.global.has(key) || state.configurationDefaults.has(key);
}

/** A value, or an object of the values under `key.` (VS Code reads `grain.decorations` as { maxFileSize, ... }). */
function lookup(full: string): unknown {
  if (hasConfigurationValue(full)) return configurationValue(full);
  const keys = new Set([...state.configurationDefaults.keys(), ...state.settings.global.keys(), ...state.settings.workspace.keys()].filter((k) => k.startsWith(`${full}.`)));
  if (keys.size === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const parts = k.slice(full.length + 1).split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = configurationValue(k);
  }
  return out;
}

export function changeConfiguration(full: string, value: unknown, target: 'global' | 'workspace'): void {
  const layer = state.settings[target];
  if (value === undefined) layer.delete(full);
  else layer.set(full, structuredClone(value));
  state.events.configuration.fire({
    affectsConfiguration: (section: string) => full === section || full.startsWith(`${section}.`) || section.startsWith(`${full}.`),
  });
}

function getConfiguration(section?: string): vscode.WorkspaceConfiguration {
  const full = (key: string) => (section ? `${section}.${key}` : key);
  const config: vscode.WorkspaceConfiguration = {
    get<T>(key: string, defaultValue?: T): T | undefined {
      const v = lookup(full(key));
      return v === undefined ? defaultValue : (structuredClone(v) as T);
    },
    has(key: string): boolean {
      return lookup(full(key)) !== undefined;
    },
    inspect<T>(key: string) {
      const k = full(key);
      return {
        key: k,
        defaultValue: state.configurationDefaults.get(k) as T | undefined,
        globalValue: state.settings.global.get(k) as T | undefined,
        workspaceValue: state.settings.workspace.get(k) as T | undefined,
        workspaceFolderValue: undefined,
      };
    },
    update(key: string, value: unknown, target?: vscode.ConfigurationTarget | boolean | null): Thenable<void> {
      const global = target === true || target === ConfigurationTarget.Global || ((target === undefined || target === null || target === false) && !state.workspaceFolders?.length);
      if (!global && !state.workspaceFolders?.length) return Promise.reject(new Error('Unable to write to Workspace Settings because no workspace is opened.'));
      changeConfiguration(full(key), value, global ? 'global' : 'workspace');
      return Promise.resolve();
    },
  };
  // `config.section.key` property access reads like get().
  return new Proxy(config, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && !(prop in target)) return target.get(prop);
      return Reflect.get(target, prop, receiver);
    },
  });
}

function folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return state.workspaceFolders?.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + sep));
}

export function openDocument(uri: vscode.Uri, text?: string, languageId?: string): TextDocument {
  const found = state.documents.find((d) => d.uri.toString() === uri.toString() && !d.isClosed);
  if (found) return found;
  const content = text ?? readFileSync(uri.fsPath, 'utf8');
  const doc = new TextDocument(uri, languageId ?? languageOf(uri.path), content);
  state.documents.push(doc);
  state.events.openDocument.fire(doc);
  return doc;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function findFiles(include: vscode.GlobPattern, exclude?: vscode.GlobPattern | null, maxResults?: number): Thenable<vscode.Uri[]> {
  const roots = include instanceof RelativePattern ? [include.baseUri.fsPath] : (state.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const inc = globToRegExp(typeof include === 'string' ? include : include.pattern);
  const exc = exclude ? globToRegExp(typeof exclude === 'string' ? exclude : exclude.pattern) : undefined;
  const out: vscode.Uri[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const rel = relative(root, join(e.parentPath, e.name)).split(sep).join('/');
      if (inc.test(rel) && !exc?.test(rel)) out.push(Uri.file(join(root, rel)));
    }
  }
  return Promise.resolve(out.slice(0, maxResults ?? out.length));
}

const fs: Pick<vscode.FileSystem, 'stat' | 'readFile' | 'writeFile' | 'delete' | 'createDirectory'> = {
  stat(uri) {
    if (!existsSync(uri.fsPath)) return Promise.reject(FileSystemError.FileNotFound(uri));
    const st = statSync(uri.fsPath);
    return Promise.resolve({ type: st.isDirectory() ? FileType.Directory : FileType.File, ctime: st.ctimeMs, mtime: st.mtimeMs, size: st.size });
  },
  readFile(uri) {
    if (!existsSync(uri.fsPath)) return Promise.reject(FileSystemError.FileNotFound(uri));
    return Promise.resolve(new Uint8Array(readFileSync(uri.fsPath)));
  },
  writeFile(uri, content) {
    mkdirSync(dirname(uri.fsPath), { recursive: true });
    writeFileSync(uri.fsPath, content);
    return Promise.resolve();
  },
  delete(uri, options) {
    rmSync(uri.fsPath, { recursive: options?.recursive ?? false });
    return Promise.resolve();
  },
  createDirectory(uri) {
    mkdirSync(uri.fsPath, { recursive: true });
    return Promise.resolve();
  },
};

export const workspace = {
  get isTrusted(): boolean {
    return state.trusted;
  },
  get workspaceFolders(): readonly vscode.WorkspaceFolder[] | undefined {
    return state.workspaceFolders;
  },
  get name(): string | undefined {
    return state.workspaceFolders?.[0]?.name;
  },
  get textDocuments(): readonly vscode.TextDocument[] {
    return state.documents.filter((d) => !d.isClosed);
  },
  fs,
  getConfiguration,
  getWorkspaceFolder: folderOf,
  asRelativePath(pathOrUri: string | vscode.Uri, includeWorkspaceFolder?: boolean): string {
    const uri = typeof pathOrUri === 'string' ? Uri.file(pathOrUri) : pathOrUri;
    const folder = folderOf(uri);
    if (!folder) return typeof pathOrUri === 'string' ? pathOrUri : uri.fsPath;
    const rel = relative(folder.uri.fsPath, uri.fsPath).split(sep).join('/');
    return includeWorkspaceFolder && (state.workspaceFolders?.length ?? 0) > 1 ? `${folder.name}/${rel}` : rel;
  },
  openTextDocument(arg?: vscode.Uri | string | { language?: string; content?: string }): Thenable<vscode.TextDocument> {
    try {
      if (typeof arg === 'string') return Promise.resolve(openDocument(Uri.file(arg)));
      if (arg && 'scheme' in arg) return Promise.resolve(openDocument(arg));
      const uri = Uri.from({ scheme: 'untitled', path: `Untitled-${++state.untitled}` });
      return Promise.resolve(openDocument(uri, arg?.content ?? '', arg?.language ?? 'plaintext'));
    } catch (err) {
      return Promise.reject(err);
    }
  },
  findFiles,
  createFileSystemWatcher(pattern: vscode.GlobPattern): vscode.FileSystemWatcher {
    const w = new FileSystemWatcher(pattern);
    state.fileWatchers.push(w);
    return w;
  },
  onDidChangeConfiguration: (l: (e: vscode.ConfigurationChangeEvent) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.configuration.event(l, t, d),
  onDidGrantWorkspaceTrust: (l: () => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.grantTrust.event(l, t, d),
  onDidOpenTextDocument: (l: (e: vscode.TextDocument) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.openDocument.event(l, t, d),
  onDidCloseTextDocument: (l: (e: vscode.TextDocument) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.closeDocument.event(l, t, d),
  onDidChangeTextDocument: (l: (e: vscode.TextDocumentChangeEvent) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.changeDocument.event(l, t, d),
  onDidChangeWorkspaceFolders: (l: (e: vscode.WorkspaceFoldersChangeEvent) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.workspaceFolders.event(l, t, d),
};

// ---------------------------------------------------------------------------------------------
// window

function itemTitle(item: string | vscode.MessageItem): string {
  return typeof item === 'string' ? item : item.title;
}

function showMessage(severity: Severity, message: string, ...rest: unknown[]): Thenable<unknown> {
  const options = rest[0] && typeof rest[0] === 'object' && !('title' in rest[0]) ? (rest.shift() as vscode.MessageOptions) : undefined;
  const items = rest as (string | vscode.MessageItem)[];
  const record: MessageRecord = { severity, message, items: items.map(itemTitle), modal: options?.modal ?? false };
  state.messages.push(record);
  const answer = takeAnswer(state.answers.message, record);
  return Promise.resolve(answer?.(record)).then((title) => {
    if (title !== undefined && !record.items.includes(title)) throw new Error(`scripted answer "${title}" is no button of: ${message} [${record.items.join(', ')}]`);
    record.answer = title;
    return title === undefined ? undefined : items.find((i) => itemTitle(i) === title);
  });
}

function selectorMatches(selector: vscode.DocumentSelector, doc: vscode.TextDocument): boolean {
  const list = Array.isArray(selector) ? selector : [selector];
  return list.some((s: string | vscode.DocumentFilter) =>
    typeof s === 'string' ? s === doc.languageId || s === '*' : (!s.language || s.language === doc.languageId) && (!s.scheme || s.scheme === doc.uri.scheme),
  );
}

export function hoverProvidersFor(doc: vscode.TextDocument): vscode.HoverProvider[] {
  return state.hoverProviders.filter((h) => selectorMatches(h.selector, doc)).map((h) => h.provider);
}

export function showEditor(doc: TextDocument, column?: vscode.ViewColumn, visibleLines?: { start: number; end: number }): TextEditor {
  let editor = state.editors.find((e) => e.document === doc);
  const isNew = !editor;
  if (!editor) {
    editor = new TextEditor(doc, column === ViewColumn.Beside ? 2 : 1, visibleLines);
    state.editors.push(editor);
  }
  const activeChanged = state.activeEditor !== editor;
  state.activeEditor = editor;
  if (isNew) state.events.visibleEditors.fire([...state.editors]);
  if (activeChanged) state.events.activeEditor.fire(editor);
  return editor;
}

export const window = {
  get activeTextEditor(): vscode.TextEditor | undefined {
    return state.activeEditor;
  },
  get visibleTextEditors(): readonly vscode.TextEditor[] {
    return [...state.editors];
  },
  showInformationMessage: (message: string, ...rest: unknown[]) => showMessage('info', message, ...rest),
  showWarningMessage: (message: string, ...rest: unknown[]) => showMessage('warning', message, ...rest),
  showErrorMessage: (message: string, ...rest: unknown[]) => showMessage('error', message, ...rest),
  showQuickPick(items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions): Thenable<unknown> {
    return Promise.resolve(items).then(async (list) => {
      const record: QuickPickRecord = { items: list, options };
      state.quickPicks.push(record);
      const answer = takeAnswer(state.answers.quickPick, record);
      const picked = await answer?.(record);
      if (Array.isArray(picked) ? picked.some((p) => !list.includes(p)) : picked !== undefined && !list.includes(picked as vscode.QuickPickItem)) {
        throw new Error(`scripted quick pick answer is not one of the items shown (${options?.title ?? options?.placeHolder ?? ''})`);
      }
      record.answer = picked;
      return picked;
    });
  },
  createQuickPick<T extends vscode.QuickPickItem>(): vscode.QuickPick<T> {
    return new QuickPick<T>();
  },
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined> {
    const record: InputBoxRecord = { options };
    state.inputBoxes.push(record);
    const answer = takeAnswer(state.answers.inputBox, record);
    return Promise.resolve(answer?.(record)).then(async (typed) => {
      if (typed === undefined) return undefined;
      const v = await options?.validateInput?.(typed);
      const message = typeof v === 'string' ? v : v?.message;
      // An invalid value cannot be submitted: the user gives up (Escape).
      if (message) {
        record.validation = message;
        return undefined;
      }
      record.answer = typed;
      return typed;
    });
  },
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined> {
    const record: { options: vscode.OpenDialogOptions | undefined; answer?: readonly vscode.Uri[] } = { options };
    state.openDialogs.push(record);
    const answer = takeAnswer(state.answers.openDialog, options);
    return Promise.resolve(answer?.(options)).then((uris) => {
      record.answer = uris;
      return uris ? [...uris] : undefined;
    });
  },
  showTextDocument(docOrUri: vscode.TextDocument | vscode.Uri, options?: vscode.ViewColumn | vscode.TextDocumentShowOptions): Thenable<vscode.TextEditor> {
    const doc = docOrUri instanceof TextDocument ? docOrUri : openDocument(docOrUri as vscode.Uri);
    const column = typeof options === 'number' ? options : options?.viewColumn;
    return Promise.resolve(showEditor(doc, column));
  },
  withProgress<R>(options: vscode.ProgressOptions, task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>): Thenable<R> {
    const source = new CancellationTokenSource();
    const record: ProgressRecord = { options, reports: [], done: false, cancel: () => source.cancel() };
    state.progress.push(record);
    return Promise.resolve(task({ report: (v) => record.reports.push(v) }, source.token)).finally(() => {
      record.done = true;
    });
  },
  setStatusBarMessage(text: string): vscode.Disposable {
    state.statusBarMessages.push(text);
    return new Disposable(() => undefined);
  },
  createStatusBarItem(idOrAlignment?: string | vscode.StatusBarAlignment, alignmentOrPriority?: vscode.StatusBarAlignment | number, priority?: number): vscode.StatusBarItem {
    const item =
      typeof idOrAlignment === 'string'
        ? new StatusBarItem(idOrAlignment, alignmentOrPriority ?? 1, priority)
        : new StatusBarItem(`item${state.statusBarItems.length}`, idOrAlignment ?? 1, alignmentOrPriority);
    state.statusBarItems.push(item);
    return item;
  },
  createOutputChannel(name: string): vscode.LogOutputChannel {
    const channel = new LogChannel(name);
    state.outputChannels.set(name, channel);
    return channel;
  },
  createTreeView<T>(viewId: string, options: vscode.TreeViewOptions<T>): vscode.TreeView<T> {
    if (state.treeViews.has(viewId) && !state.treeViews.get(viewId)!.disposed) throw new Error(`a tree view ${viewId} is already registered`);
    const view = new TreeView<T>(viewId, options);
    state.treeViews.set(viewId, view as TreeView<unknown>);
    return view;
  },
  registerTreeDataProvider<T>(viewId: string, provider: vscode.TreeDataProvider<T>): vscode.Disposable {
    const view = window.createTreeView(viewId, { treeDataProvider: provider });
    return new Disposable(() => view.dispose());
  },
  createTextEditorDecorationType(options: vscode.DecorationRenderOptions): vscode.TextEditorDecorationType {
    const type = {
      key: `decoration-${state.decorationTypes.length}`,
      options,
      disposed: false,
      dispose() {
        type.disposed = true;
      },
    };
    state.decorationTypes.push(type);
    return type;
  },
  createWebviewPanel(viewType: string, title: string, showOptions: vscode.ViewColumn | { viewColumn: vscode.ViewColumn }, options?: vscode.WebviewPanelOptions & vscode.WebviewOptions): vscode.WebviewPanel {
    const panel = new WebviewPanel(viewType, title, typeof showOptions === 'number' ? showOptions : showOptions.viewColumn, options ?? {});
    state.webviewPanels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable {
    if (state.panelSerializers.has(viewType)) throw new Error(`a webview panel serializer for ${viewType} is already registered`);
    state.panelSerializers.set(viewType, serializer);
    return new Disposable(() => state.panelSerializers.delete(viewType));
  },
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable {
    if (state.webviewViewProviders.has(viewId)) throw new Error(`a webview view provider for ${viewId} is already registered`);
    state.webviewViewProviders.set(viewId, provider);
    return new Disposable(() => state.webviewViewProviders.delete(viewId));
  },
  onDidChangeVisibleTextEditors: (l: (e: readonly vscode.TextEditor[]) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.visibleEditors.event(l, t, d),
  onDidChangeActiveTextEditor: (l: (e: vscode.TextEditor | undefined) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.activeEditor.event(l, t, d),
  onDidChangeTextEditorVisibleRanges: (l: (e: vscode.TextEditorVisibleRangesChangeEvent) => unknown, t?: unknown, d?: vscode.Disposable[]) => state.events.visibleRanges.event(l, t, d),
};

// ---------------------------------------------------------------------------------------------
// commands, languages, env

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown, thisArg?: unknown): vscode.Disposable {
    if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
    const bound = (...args: unknown[]) => handler.apply(thisArg, args);
    state.commands.set(id, bound);
    return new Disposable(() => {
      if (state.commands.get(id) === bound) state.commands.delete(id);
    });
  },
  executeCommand<T = unknown>(id: string, ...args: unknown[]): Thenable<T> {
    state.executed.push({ id, args });
    const handler = state.commands.get(id);
    if (handler) {
      try {
        return Promise.resolve(handler(...args) as T);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (id === 'setContext') state.contexts.set(String(args[0]), args[1]);
    const builtin = state.answers.builtin.get(id);
    if (builtin) return Promise.resolve(builtin(...args) as T);
    if (BUILTIN_COMMANDS.has(id)) return Promise.resolve(undefined as T);
    return Promise.reject(new Error(`command '${id}' not found`));
  },
  getCommands(): Thenable<string[]> {
    return Promise.resolve([...state.commands.keys(), ...BUILTIN_COMMANDS]);
  },
};

/** Diagnostics by document URI, as the Problems panel would list them. */
export class DiagnosticCollection implements vscode.DiagnosticCollection {
  private readonly entries = new Map<string, { uri: vscode.Uri; diagnostics: readonly vscode.Diagnostic[] }>();
  disposed = false;
  constructor(readonly name: string) {}
  set(uriOrEntries: vscode.Uri | readonly [vscode.Uri, readonly vscode.Diagnostic[] | undefined][], diagnostics?: readonly vscode.Diagnostic[]): void {
    if (Array.isArray(uriOrEntries)) {
      for (const [uri, list] of uriOrEntries as readonly [vscode.Uri, readonly vscode.Diagnostic[] | undefined][]) this.set(uri, list);
      return;
    }
    const uri = uriOrEntries as vscode.Uri;
    if (diagnostics === undefined || diagnostics.length === 0) this.entries.delete(uri.toString());
    else this.entries.set(uri.toString(), { uri, diagnostics: [...diagnostics] });
  }
  delete(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
  clear(): void {
    this.entries.clear();
  }
  forEach(callback: (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[], collection: vscode.DiagnosticCollection) => unknown): void {
    for (const e of this.entries.values()) callback(e.uri, e.diagnostics, this);
  }
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] | undefined {
    return this.entries.get(uri.toString())?.diagnostics;
  }
  has(uri: vscode.Uri): boolean {
    return this.entries.has(uri.toString());
  }
  dispose(): void {
    this.entries.clear();
    this.disposed = true;
  }
  [Symbol.iterator](): Iterator<[uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]]> {
    return [...this.entries.values()].map((e): [vscode.Uri, readonly vscode.Diagnostic[]] => [e.uri, e.diagnostics])[Symbol.iterator]();
  }
}

export const languages = {
  registerHoverProvider(selector: vscode.DocumentSelector, provider: vscode.HoverProvider): vscode.Disposable {
    const entry = { selector, provider };
    state.hoverProviders.push(entry);
    return new Disposable(() => {
      state.hoverProviders = state.hoverProviders.filter((h) => h !== entry);
    });
  },
  registerCodeActionsProvider(selector: vscode.DocumentSelector, provider: vscode.CodeActionProvider): vscode.Disposable {
    const entry = { selector, provider };
    state.codeActionProviders.push(entry);
    return new Disposable(() => {
      state.codeActionProviders = state.codeActionProviders.filter((h) => h !== entry);
    });
  },
  createDiagnosticCollection(name = ''): vscode.DiagnosticCollection {
    const collection = new DiagnosticCollection(name);
    state.diagnosticCollections.push(collection);
    return collection;
  },
};

export const env = {
  appName: 'Grain stand-in',
  appRoot: '',
  language: 'en',
  machineId: 'stand-in',
  sessionId: 'stand-in',
  uiKind: UIKind.Desktop,
  logLevel: LogLevel.Info,
  isTelemetryEnabled: false,
};

export const version = '1.100.0';
