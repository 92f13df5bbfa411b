// The words of an error notification: the reason first, then what failed and the file relative to
// the workspace. A collapsed toast shows about one line, so a message that starts with an absolute
// path shows nothing else. No `vscode` import (unit-tested); notify.ts shows what this builds.
import { isAbsolute, relative, sep } from 'node:path';

/** A problem as Grain's errors carry it: GrainError's message starts with its location ("file:line: "). */
export interface Problem {
  message: string;
  file?: string;
  line?: number;
}

export interface ErrorText {
  /** The toast's text: "Grain: <reason> — <what> · <file>:<line>". */
  text: string;
  /** What went wrong, without any leading location. */
  reason: string;
  /** The file the problem is about, absolute, when known. */
  file?: string;
  line?: number;
}

/** Folders whose paths are shown relative: the workspace folder first, then e.g. the extension's. */
export interface PathRoots {
  workspace?: string;
  others?: readonly string[];
}

/** A location at the start of a message: an absolute path, an optional ":line", then ": ". */
const LEADING_LOCATION = /^((?:\/|[A-Za-z]:[\\/])[^:\n]*?)(?::(\d+))?: /;

/**
 * Splits a message into its location and reason. Every location at the start is removed, so a
 * message wrapped twice ("/a/config.json: /a/config.json: bad") keeps one reason; a location
 * given with the problem wins over one read from the message.
 */
export function splitProblem(p: Problem): { reason: string; file?: string; line?: number } {
  let reason = p.message.trim();
  let file = p.file;
  let line = p.line;
  for (let guard = 0; guard < 8; guard++) {
    if (file) {
      const prefixes = [`${file}:${line ?? ''}: `, `${file}: `];
      const found = prefixes.find((x) => x !== `${file}:: ` && reason.startsWith(x));
      if (found) {
        reason = reason.slice(found.length);
        continue;
      }
    }
    const m = LEADING_LOCATION.exec(reason);
    if (!m) break;
    file ??= m[1];
    if (line === undefined && m[2] !== undefined) line = Number(m[2]);
    reason = reason.slice(m[0].length);
  }
  return { reason: reason.replace(/[.\s]+$/, ''), file, line };
}

/** A path as the user knows it: relative to the workspace (or another root) when inside it. */
export function displayPath(path: string, roots: PathRoots): string {
  for (const root of [roots.workspace, ...(roots.others ?? [])]) {
    if (!root || !isAbsolute(path)) continue;
    const rel = relative(root, path);
    if (rel === '') return '.';
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return path;
}

/** Absolute paths inside the roots, written relative wherever they appear in a text. */
export function relativizePaths(text: string, roots: PathRoots): string {
  let out = text;
  for (const root of [roots.workspace, ...(roots.others ?? [])]) {
    if (!root) continue;
    const withSep = root.endsWith(sep) ? root : root + sep;
    out = out.split(withSep).join('');
  }
  return out;
}

/**
 * The notification for a problem: "Grain: <reason> — <what> · <file>:<line>". `what` names the
 * action that failed ("Extract activations of notes.txt"), when the reason alone does not.
 */
export function errorText(p: Problem, roots: PathRoots, what?: string): ErrorText {
  const { reason, file, line } = splitProblem(p);
  const where = file ? `${displayPath(file, roots)}${line !== undefined ? `:${line}` : ''}` : undefined;
  const tail = [what ? `${what} failed` : undefined, where].filter(Boolean).join(' · ');
  const text = `Grain: ${relativizePaths(reason, roots)}${tail ? ` — ${tail}` : ''}`;
  return { text, reason, file, line };
}

/** Files a text editor can show: not models, activation stores or other binaries. */
export function isTextFile(path: string): boolean {
  return !/\.(onnx|onnx_data|data|grain|hdf5|h5|bin|safetensors|pt|npy|npz|gz|zip)$/i.test(path);
}
