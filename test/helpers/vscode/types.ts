// The value types of the `vscode` API that Grain uses, in memory. Each class `implements` its
// counterpart from @types/vscode, so tsc holds the stand-in to the real API's shape.
import { posix, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as vscode from 'vscode';

export class Disposable implements vscode.Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const d of items) d.dispose();
    });
  }
  private done = false;
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.callOnDispose();
  }
}

/** Like VS Code's: listeners in subscription order; a throwing listener does not stop the others. */
export class EventEmitter<T> implements vscode.EventEmitter<T> {
  private listeners: { fn: (e: T) => unknown; thisArg?: unknown }[] = [];
  private disposed = false;
  /** Errors thrown by listeners (VS Code logs them); tests can assert there were none. */
  static readonly listenerErrors: unknown[] = [];

  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const entry = { fn: listener, thisArg: thisArgs };
    if (!this.disposed) this.listeners.push(entry);
    const d = new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== entry);
    });
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };

  fire(data: T): void {
    for (const l of [...this.listeners]) {
      try {
        l.fn.call(l.thisArg, data);
      } catch (err) {
        EventEmitter.listenerErrors.push(err);
      }
    }
  }

  /** Number of current listeners (for tests that check subscriptions are disposed). */
  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

export class CancellationTokenSource implements vscode.CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  private cancelled = false;
  readonly token: vscode.CancellationToken;
  constructor() {
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: this.emitter.event,
    };
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

/** file: Uris (and other schemes by parse) with VS Code's fsPath/path/toString conventions on POSIX. */
export class Uri implements vscode.Uri {
  static file(path: string): Uri {
    return new Uri('file', '', resolvePath(path), '', '');
  }

  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) throw new Error(`[UriError]: cannot parse ${JSON.stringify(value)}`);
    const scheme = m[1]!;
    if (scheme === 'file') return Uri.file(fileURLToPath(value));
    return new Uri(scheme, m[2] ?? '', decodeURIComponent(m[3] ?? ''), m[4] ?? '', m[5] ?? '');
  }

  static joinPath(base: vscode.Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, base.authority, posix.join(base.path, ...segments), base.query, base.fragment);
  }

  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }

  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}

  get fsPath(): string {
    return this.path;
  }

  with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }

  toString(): string {
    if (this.scheme === 'file') return pathToFileURL(this.path).href;
    return `${this.scheme}:${this.authority ? `//${this.authority}` : ''}${encodeURI(this.path)}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }

  toJSON(): unknown {
    return { $mid: 1, scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment, fsPath: this.fsPath };
  }
}

export class Position implements vscode.Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {
    if (line < 0 || character < 0) throw new Error('Illegal argument: line and character must be non-negative');
  }
  isBefore(other: vscode.Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }
  isBeforeOrEqual(other: vscode.Position): boolean {
    return this.isBefore(other) || this.isEqual(other);
  }
  isAfter(other: vscode.Position): boolean {
    return !this.isBeforeOrEqual(other);
  }
  isAfterOrEqual(other: vscode.Position): boolean {
    return !this.isBefore(other);
  }
  isEqual(other: vscode.Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
  compareTo(other: vscode.Position): number {
    return this.isBefore(other) ? -1 : this.isEqual(other) ? 0 : 1;
  }
  translate(lineDelta?: number | { lineDelta?: number; characterDelta?: number }, characterDelta?: number): Position {
    const d = typeof lineDelta === 'object' ? lineDelta : { lineDelta, characterDelta };
    return new Position(this.line + (d.lineDelta ?? 0), this.character + (d.characterDelta ?? 0));
  }
  with(line?: number | { line?: number; character?: number }, character?: number): Position {
    const c = typeof line === 'object' ? line : { line, character };
    return new Position(c.line ?? this.line, c.character ?? this.character);
  }
}

export class Range implements vscode.Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: vscode.Position, end: vscode.Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: vscode.Position | number, b: vscode.Position | number, c?: number, d?: number) {
    const p = typeof a === 'number' ? new Position(a, b as number) : new Position(a.line, a.character);
    const q = typeof a === 'number' ? new Position(c!, d!) : new Position((b as vscode.Position).line, (b as vscode.Position).character);
    [this.start, this.end] = p.isBeforeOrEqual(q) ? [p, q] : [q, p];
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
  get isSingleLine(): boolean {
    return this.start.line === this.end.line;
  }
  contains(x: vscode.Position | vscode.Range): boolean {
    if ('start' in x) return this.contains(x.start) && this.contains(x.end);
    return this.start.isBeforeOrEqual(x) && this.end.isAfterOrEqual(x);
  }
  isEqual(other: vscode.Range): boolean {
    return this.start.isEqual(other.start) && this.end.isEqual(other.end);
  }
  intersection(other: vscode.Range): Range | undefined {
    const start = this.start.isAfter(other.start) ? this.start : other.start;
    const end = this.end.isBefore(other.end) ? this.end : other.end;
    return start.isAfter(end) ? undefined : new Range(start, end);
  }
  union(other: vscode.Range): Range {
    return new Range(this.start.isBefore(other.start) ? this.start : other.start, this.end.isAfter(other.end) ? this.end : other.end);
  }
  with(start?: vscode.Position | { start?: vscode.Position; end?: vscode.Position }, end?: vscode.Position): Range {
    const c = start && 'start' in start ? start : start && 'line' in start ? { start, end } : { start: undefined, end };
    return new Range(c.start ?? this.start, c.end ?? this.end);
  }
}

export class Selection extends Range implements vscode.Selection {
  readonly anchor: Position;
  readonly active: Position;
  constructor(anchor: vscode.Position, active: vscode.Position) {
    super(anchor, active);
    this.anchor = new Position(anchor.line, anchor.character);
    this.active = new Position(active.line, active.character);
  }
  get isReversed(): boolean {
    return this.anchor.isAfter(this.active);
  }
}

export class ThemeColor implements vscode.ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon implements vscode.ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: vscode.ThemeColor,
  ) {}
}

export class MarkdownString implements vscode.MarkdownString {
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };
  supportHtml?: boolean;
  baseUri?: vscode.Uri;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendText(value: string): MarkdownString {
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&').replace(/\n/g, '\n\n');
    return this;
  }
  appendMarkdown(value: string): MarkdownString {
    this.value += value;
    return this;
  }
  appendCodeblock(value: string, language = ''): MarkdownString {
    this.value += `\n\`\`\`${language}\n${value}\n\`\`\`\n`;
    return this;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export enum TreeItemCheckboxState {
  Unchecked = 0,
  Checked = 1,
}

export class TreeItem implements vscode.TreeItem {
  label?: string | vscode.TreeItemLabel;
  id?: string;
  iconPath?: string | vscode.IconPath;
  description?: string | boolean;
  resourceUri?: vscode.Uri;
  tooltip?: string | vscode.MarkdownString;
  command?: vscode.Command;
  contextValue?: string;
  accessibilityInformation?: vscode.AccessibilityInformation;
  checkboxState?: vscode.TreeItemCheckboxState | { readonly state: vscode.TreeItemCheckboxState; readonly tooltip?: string; readonly accessibilityInformation?: vscode.AccessibilityInformation };
  collapsibleState?: vscode.TreeItemCollapsibleState;
  constructor(labelOrUri: string | vscode.TreeItemLabel | vscode.Uri, collapsibleState: vscode.TreeItemCollapsibleState = TreeItemCollapsibleState.None) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri as string | vscode.TreeItemLabel;
    this.collapsibleState = collapsibleState;
  }
}

export class Hover implements vscode.Hover {
  readonly contents: (vscode.MarkdownString | vscode.MarkedString)[];
  constructor(
    contents: vscode.MarkdownString | vscode.MarkedString | (vscode.MarkdownString | vscode.MarkedString)[],
    readonly range?: vscode.Range,
  ) {
    this.contents = Array.isArray(contents) ? contents : [contents];
  }
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic implements vscode.Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: vscode.Uri };
  relatedInformation?: vscode.DiagnosticRelatedInformation[];
  tags?: vscode.DiagnosticTag[];
  constructor(
    public range: vscode.Range,
    public message: string,
    public severity: vscode.DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class CodeActionKind implements vscode.CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly Source = new CodeActionKind('source');
  // The rest of the API's kinds: Grain offers quick fixes only.
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorMove = new CodeActionKind('refactor.move');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly Notebook = new CodeActionKind('notebook');
  constructor(readonly value: string) {}
  append(parts: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${parts}` : parts);
  }
  intersects(other: vscode.CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
  contains(other: vscode.CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
}

export class CodeAction implements vscode.CodeAction {
  command?: vscode.Command;
  diagnostics?: vscode.Diagnostic[];
  edit?: vscode.WorkspaceEdit;
  isPreferred?: boolean;
  disabled?: { readonly reason: string };
  constructor(
    public title: string,
    public kind?: vscode.CodeActionKind,
  ) {}
}

export class RelativePattern implements vscode.RelativePattern {
  baseUri: vscode.Uri;
  base: string;
  constructor(
    base: vscode.WorkspaceFolder | vscode.Uri | string,
    public pattern: string,
  ) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : 'uri' in base ? base.uri : base;
    this.base = this.baseUri.fsPath;
  }
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
  Three = 3,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum DecorationRangeBehavior {
  OpenOpen = 0,
  ClosedClosed = 1,
  OpenClosed = 2,
  ClosedOpen = 3,
}

export enum OverviewRulerLane {
  Left = 1,
  Center = 2,
  Right = 4,
  Full = 7,
}

export enum EndOfLine {
  LF = 1,
  CRLF = 2,
}

export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
  SymbolicLink = 64,
}

export enum UIKind {
  Desktop = 1,
  Web = 2,
}

export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}

export enum LogLevel {
  Off = 0,
  Trace = 1,
  Debug = 2,
  Info = 3,
  Warning = 4,
  Error = 5,
}

export enum TextEditorRevealType {
  Default = 0,
  InCenter = 1,
  InCenterIfOutsideViewport = 2,
  AtTop = 3,
}

export enum TextDocumentChangeReason {
  Undo = 1,
  Redo = 2,
}

export class FileSystemError extends Error {
  static FileNotFound(uri?: vscode.Uri | string): FileSystemError {
    return new FileSystemError(`${uri instanceof Uri ? uri.fsPath : String(uri)} not found`, 'FileNotFound');
  }
  constructor(
    message: string,
    readonly code = 'Unknown',
  ) {
    super(message);
    this.name = `${code} (FileSystemError)`;
  }
}
