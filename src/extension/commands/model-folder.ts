// Which folders are models: a model folder holds model.onnx, tokenizer.json and config.json
// (see models/README.md). No `vscode` import (unit-tested).
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listDemoModels, readModelFacts } from '../demo-models';
import type { ModelFacts } from '../../shared/webview-protocol';

export const MODEL_FILES = ['model.onnx', 'tokenizer.json', 'config.json'] as const;

export interface KnownModel {
  /** Folder name, e.g. brown-lstm-s1. */
  id: string;
  folder: string;
  source: 'demo' | 'setting';
  facts?: ModelFacts;
  /** Why the folder cannot be used, when it cannot. */
  problem?: string;
}

/** Checks a folder; returns its card facts or an error message naming what is missing. */
export function checkModelFolder(folder: string): { facts: ModelFacts } | { error: string } {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return { error: `${folder} is not a folder` };
  const missing = MODEL_FILES.filter((f) => !existsSync(join(folder, f)));
  if (missing.length > 0) {
    return {
      error: `${folder} is not a model folder: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (a model folder holds ${MODEL_FILES.join(', ')})`,
    };
  }
  try {
    return { facts: readModelFacts(folder, basename(folder)) };
  } catch (err) {
    const e = err as Error & { file?: string };
    return { error: `${e.file ?? join(folder, 'config.json')}: ${e.message}` };
  }
}

/** The demo models, then the folders of `grain.modelPaths` (each checked). */
export function knownModels(demoDir: string, extraPaths: readonly string[]): KnownModel[] {
  const out: KnownModel[] = [];
  const demos = listDemoModels(demoDir);
  for (const m of demos.models) out.push({ id: m.id, folder: join(demoDir, m.id), source: 'demo', facts: m });
  for (const p of demos.problems) out.push({ id: p.id, folder: join(demoDir, p.id), source: 'demo', problem: p.message });
  for (const folder of extraPaths) {
    if (out.some((m) => m.folder === folder)) continue;
    const checked = checkModelFolder(folder);
    out.push('facts' in checked
      ? { id: basename(folder), folder, source: 'setting', facts: checked.facts }
      : { id: basename(folder), folder, source: 'setting', problem: checked.error });
  }
  return out;
}

/** The model kind of a folder (lstm, gpt, bert), for grouping models that can be correlated. */
export function modelKind(m: KnownModel): string | undefined {
  return m.facts?.kind;
}
