// In-memory text documents and editors: what the editor features read (lines, offsets, visible
// ranges) and what they draw (decorations, recorded per decoration type).
import type * as vscode from 'vscode';
import { EndOfLine, Position, Range, Selection, Uri } from './types';

const LANGUAGES: Record<string, string> = { '.txt': 'plaintext', '.json': 'json', '.md': 'markdown', '.ts': 'typescript', '.js': 'javascript', '.py': 'python' };

export function languageOf(path: string): string {
  const ext = /\.[^./]+$/.exec(path)?.[0]?.toLowerCase() ?? '';
  return LANGUAGES[ext] ?? 'plaintext';
}

class TextLine implements vscode.TextLine {
  constructor(
    readonly lineNumber: number,
    readonly text: string,
    private readonly hasBreak: boolean,
  ) {}
  get range(): Range {
    return new Range(this.lineNumber, 0, this.lineNumber, this.text.length);
  }
  get rangeIncludingLineBreak(): Range {
    return this.hasBreak ? new Range(this.lineNumber, 0, this.lineNumber + 1, 0) : this.range;
  }
  get firstNonWhitespaceCharacterIndex(): number {
    const m = /\S/.exec(this.text);
    return m ? m.index : this.text.length;
  }
  get isEmptyOrWhitespace(): boolean {
    return this.firstNonWhitespaceCharacterIndex === this.text.length;
  }
}

export class TextDocument implements vscode.TextDocument {
  version = 1;
  isDirty = false;
  isClosed = false;
  readonly eol = EndOfLine.LF;
  readonly encoding = 'utf8';
  private lines: string[] = [];

  constructor(
    readonly uri: vscode.Uri,
    public languageId: string,
    private text: string,
  ) {
    this.lines = text.split('\n');
  }

  get fileName(): string {
    return this.uri.fsPath;
  }
  get isUntitled(): boolean {
    return this.uri.scheme === 'untitled';
  }
  get lineCount(): number {
    return this.lines.length;
  }

  save(): Thenable<boolean> {
    this.isDirty = false;
    return Promise.resolve(true);
  }

  lineAt(lineOrPosition: number | vscode.Position): TextLine {
    const line = typeof lineOrPosition === 'number' ? lineOrPosition : lineOrPosition.line;
    if (line < 0 || line >= this.lines.length || !Number.isInteger(line)) throw new Error(`Illegal value for \`line\`: ${line}`);
    return new TextLine(line, this.lines[line]!, line < this.lines.length - 1);
  }

  offsetAt(position: vscode.Position): number {
    const p = this.validatePosition(position);
    let offset = 0;
    for (let l = 0; l < p.line; l++) offset += this.lines[l]!.length + 1;
    return offset + p.character;
  }

  positionAt(offset: number): Position {
    let rest = Math.max(0, Math.min(offset, this.text.length));
    for (let l = 0; l < this.lines.length; l++) {
      const len = this.lines[l]!.length;
      if (rest <= len) return new Position(l, rest);
      rest -= len + 1;
    }
    return new Position(this.lines.length - 1, this.lines.at(-1)!.length);
  }

  getText(range?: vscode.Range): string {
    if (!range) return this.text;
    const r = this.validateRange(range);
    return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
  }

  getWordRangeAtPosition(position: vscode.Position, regex = /[^\s]+/g): Range | undefined {
    const text = this.lineAt(position.line).text;
    const re = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (start <= position.character && position.character <= end) return new Range(position.line, start, position.line, end);
    }
    return undefined;
  }

  validateRange(range: vscode.Range): Range {
    return new Range(this.validatePosition(range.start), this.validatePosition(range.end));
  }

  validatePosition(position: vscode.Position): Position {
    const line = Math.max(0, Math.min(position.line, this.lines.length - 1));
    const character = Math.max(0, Math.min(position.character, this.lines[line]!.length));
    return new Position(line, character);
  }

  /** Replaces `range` with `text` (what typing does); returns the change as VS Code reports it. */
  applyEdit(range: vscode.Range, text: string): vscode.TextDocumentContentChangeEvent {
    const r = this.validateRange(range);
    const start = this.offsetAt(r.start);
    const end = this.offsetAt(r.end);
    this.text = this.text.slice(0, start) + text + this.text.slice(end);
    this.lines = this.text.split('\n');
    this.version++;
    this.isDirty = true;
    return { range: r, rangeOffset: start, rangeLength: end - start, text };
  }
}

/** A visible editor of a document: decorations set on it are kept, by decoration type, for tests to read. */
export class TextEditor implements vscode.TextEditor {
  selection: vscode.Selection = new Selection(new Position(0, 0), new Position(0, 0));
  selections: readonly vscode.Selection[] = [this.selection];
  visibleRanges: readonly vscode.Range[];
  options: vscode.TextEditorOptions = { tabSize: 4, insertSpaces: true };
  /** Ranges drawn with each decoration type, as last set. */
  readonly decorations = new Map<vscode.TextEditorDecorationType, readonly vscode.Range[]>();
  /** Every setDecorations call, in order. */
  readonly decorationCalls: { type: vscode.TextEditorDecorationType; ranges: readonly vscode.Range[] }[] = [];

  constructor(
    readonly document: TextDocument,
    public viewColumn: vscode.ViewColumn | undefined = 1,
    visibleLines?: { start: number; end: number },
  ) {
    const last = document.lineCount - 1;
    const v = visibleLines ?? { start: 0, end: Math.min(last, 39) };
    this.visibleRanges = [new Range(v.start, 0, Math.min(v.end, last), 0)];
  }

  setDecorations(type: vscode.TextEditorDecorationType, rangesOrOptions: readonly vscode.Range[] | readonly vscode.DecorationOptions[]): void {
    const ranges = rangesOrOptions.map((r) => ('range' in r ? r.range : r));
    this.decorations.set(type, ranges);
    this.decorationCalls.push({ type, ranges });
  }

  edit(): Thenable<boolean> {
    return Promise.resolve(false);
  }
  insertSnippet(): Thenable<boolean> {
    return Promise.resolve(false);
  }
  revealRange(): void {}
  show(): void {}
  hide(): void {}
}

export function untitledUri(n: number): vscode.Uri {
  return Uri.from({ scheme: 'untitled', path: `Untitled-${n}` });
}
