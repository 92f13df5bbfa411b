// Which folders are models, for the side panel and the commands: the same answer the CLI gives
// (src/core/model/folder.ts), with the facts a folder states without running anything. No
// `vscode` import (unit-tested).
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import {
  chooseVariant,
  expectedBoundaries,
  readModelFolderFacts,
  scanModelFolder,
  type ModelFolderFacts,
  type ModelFolderScan,
} from '../core/model/folder';
import { formatLocation, GrainError } from '../core/errors';

export interface KnownModel {
  /** Folder name, e.g. brown-lstm-s1. */
  id: string;
  /** The folder (or .onnx file) as listed: a demo folder, a grain.modelPaths entry resolved, or the current model. */
  folder: string;
  /** 'untrusted': listed in the workspace's grain.modelPaths, which Restricted Mode ignores (not checked). */
  source: 'demo' | 'setting' | 'current' | 'untrusted';
  /** What the folder states (card or Hugging Face config, files, variants): present when it is a model. */
  facts?: ModelFolderFacts;
  /** Why the folder cannot be used, in the words the CLI would print. */
  problem?: string;
  /** The grain.modelPaths entry as written, for setting rows. */
  entry?: string;
}

/** A usable folder, or the CLI's message for it (`error`, with its location) and its reason alone. */
export type CheckedFolder = { facts: ModelFolderFacts; scan: ModelFolderScan } | { error: string; reason: string; file?: string; line?: number };

/**
 * Checks a folder (or an .onnx file inside one): its facts, or the message the CLI would print
 * for it. A folder of several variants without a default is a model (the user picks a variant);
 * an empty default .onnx is not.
 */
export function checkModelFolder(path: string): CheckedFolder {
  try {
    const scan = scanModelFolder(path);
    if (scan.givenFile || scan.defaultVariant) chooseVariant(scan);
    return { facts: readModelFolderFacts(scan), scan };
  } catch (err) {
    if (err instanceof GrainError) {
      const prefix = formatLocation(err.where);
      const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      return { error: err.message, reason, file: err.where.file, line: err.where.line };
    }
    throw err;
  }
}

/** grain.modelPaths entries as paths: `~/` in the home folder, relative ones against the first workspace folder. */
export function resolveModelPaths(entries: readonly string[], workspaceFolder: string | undefined, home = homedir()): { entry: string; path: string }[] {
  return entries.map((entry) => ({
    entry,
    path: entry === '~' || entry.startsWith('~/') ? join(home, entry.slice(1)) : isAbsolute(entry) ? resolve(entry) : resolve(workspaceFolder ?? process.cwd(), entry),
  }));
}

/**
 * Folders the workspace's own grain.modelPaths lists while Restricted Mode ignores them: shown as
 * needing trust, not checked (checking reads files a workspace named), and not the listed ones.
 */
export function untrustedModels(entries: readonly { entry: string; path: string }[], listed: readonly KnownModel[]): KnownModel[] {
  const shown = new Set(listed.map((m) => resolve(m.folder)));
  const out: KnownModel[] = [];
  for (const { entry, path } of entries) {
    if (shown.has(resolve(path))) continue;
    shown.add(resolve(path));
    out.push({ id: basename(resolve(path)), folder: path, source: 'untrusted', entry });
  }
  return out;
}

/**
 * What to write in grain.modelPaths for `folder`: relative to the workspace folder when it is
 * inside it and the setting goes to the workspace (the entry then travels with the workspace).
 */
export function modelPathEntry(folder: string, workspaceFolder: string | undefined, target: 'workspace' | 'user'): string {
  if (target === 'workspace' && workspaceFolder) {
    const rel = relative(workspaceFolder, folder);
    if (rel === '') return '.';
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split('\\').join('/');
  }
  return resolve(folder);
}

/**
 * The demo models, then the folders of `grain.modelPaths` (each checked), then the current model
 * when it is neither. A folder listed twice (through a link, a relative entry, ...) shows once.
 */
export function knownModels(demoDir: string, extraPaths: readonly (string | { entry: string; path: string })[], current?: string): KnownModel[] {
  const out: KnownModel[] = [];
  const seen = new Set<string>();
  const add = (m: KnownModel) => {
    const key = folderKey(m.folder);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(m);
  };
  const entry = (folder: string, source: KnownModel['source'], written?: string): KnownModel => {
    const checked = checkModelFolder(folder);
    const id = 'facts' in checked ? checked.facts.id : basename(resolve(folder));
    return 'facts' in checked ? { id, folder, source, facts: checked.facts, entry: written } : { id, folder, source, problem: checked.error, entry: written };
  };
  for (const folder of demoFolders(demoDir)) add(entry(folder, 'demo'));
  for (const p of extraPaths) {
    const { entry: written, path } = typeof p === 'string' ? { entry: p, path: p } : p;
    add(entry(path, 'setting', written));
  }
  if (current && !out.some((m) => currentVariantIn(m, current) !== undefined)) add(entry(current, 'current'));
  return out;
}

/** Sub-folders of the demo folder that hold an .onnx file (at the root or in onnx/), sorted. */
function demoFolders(demoDir: string): string[] {
  if (!existsSync(demoDir)) return [];
  return readdirSync(demoDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(demoDir, d.name))
    .filter((dir) => hasOnnx(dir) || hasOnnx(join(dir, 'onnx')))
    .sort();
}

function hasOnnx(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.toLowerCase().endsWith('.onnx') && !f.startsWith('.'));
  } catch {
    return false;
  }
}

/** One key per model folder: the real path of the folder holding the tokenizer (or of the path itself). */
function folderKey(path: string): string {
  try {
    return realpathSync(scanModelFolder(path).dir);
  } catch {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Which variant of `m`'s folder the current model is, when it is one of them: its name, or
 * undefined when the current model is elsewhere (or `m` is not a model).
 */
export function currentVariantIn(m: KnownModel, current: string | undefined): string | undefined {
  if (!current || !m.facts) return undefined;
  let scan: ModelFolderScan;
  try {
    scan = scanModelFolder(current);
  } catch {
    return resolve(current) === resolve(m.folder) ? '' : undefined;
  }
  if (folderKey(scan.dir) !== folderKey(m.folder)) return undefined;
  const chosen = scan.givenFile ?? scan.defaultVariant;
  return chosen?.name ?? '';
}

/** The model kind of a folder (lstm, gpt, bert, gpt2, ...), for grouping models that can be correlated. */
export function modelKind(m: KnownModel): string | undefined {
  return m.facts?.kind;
}

/**
 * One line of what a model is: kind, then its layers (the embeddings and each block's output, the
 * sites Grain records by default) × the neurons of each, e.g. "bert · 5 layers × 256 neurons";
 * "onnx" when the folder states no kind.
 */
export function modelSummary(facts: ModelFolderFacts): string {
  const parts = [facts.kind ?? 'onnx'];
  const boundaries = expectedBoundaries(facts);
  if (boundaries !== undefined && facts.hiddenSize !== undefined) parts.push(`${boundaries} layers × ${facts.hiddenSize} neurons`);
  else if (facts.hiddenSize !== undefined) parts.push(`${facts.hiddenSize} neurons a layer`);
  if (facts.variants.length > 1) parts.push(`${facts.variants.length} variants`);
  return parts.join(' · ');
}

/** Bytes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

/** The path a choice of variant stands for: the folder for its default (so it stays "the folder"), else the variant's file. */
export function variantPath(folder: string, scan: ModelFolderScan, variant: string): string {
  const v = scan.variants.find((x) => x.name === variant);
  if (!v) throw new GrainError(`no variant '${variant}' in this model folder`, { file: scan.dir });
  return v === scan.defaultVariant && statSync(folder).isDirectory() ? folder : v.file;
}
