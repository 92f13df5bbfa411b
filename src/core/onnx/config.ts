import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GrainError } from '../errors';
import { lineAndColumn, parseJson } from '../io/json-file';
import { readInputText } from '../io/read-file';
import type { ExplicitSite, ExplicitSites } from './sites';

export const GRAIN_CONFIG = 'grain.json';

/**
 * The sites a user named in `grain.json` next to the model:
 * `{ "sites": [{ "name": "embeddings", "tensor": "/m/embed/Add_output_0" }, ...] }`.
 * Undefined when there is no such file; a GrainError (file and line) when it is malformed.
 * Whether the tensors exist is checked against the model by findSites.
 */
export function readGrainConfig(modelDir: string): ExplicitSites | undefined {
  const file = join(modelDir, GRAIN_CONFIG);
  if (!existsSync(file)) return undefined;
  const text = readInputText(file);
  const json = parseJson(text, file);
  return { sites: parseSites(json, text, file), source: file };
}

function parseSites(json: unknown, text: string, file: string): ExplicitSite[] {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { sites?: unknown }).sites)) {
    throw new GrainError('expected an object with a "sites" array: {"sites": [{"name": "layer1", "tensor": "..."}]}', { file, line: 1 });
  }
  const raw = (json as { sites: unknown[] }).sites;
  if (raw.length === 0) throw new GrainError('"sites" is empty', { file, line: lineOf(text, '"sites"') });
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    const e = entry as { name?: unknown; tensor?: unknown };
    const line = entryLine(text, e);
    if (typeof entry !== 'object' || entry === null || typeof e.name !== 'string' || typeof e.tensor !== 'string') {
      throw new GrainError(`sites[${i}] must be {"name": string, "tensor": string}`, { file, line });
    }
    if (!/^[A-Za-z0-9_.:-]+$/.test(e.name)) {
      throw new GrainError(`sites[${i}]: name '${e.name}' must be letters, digits, '_', '.', ':' or '-'`, { file, line });
    }
    if (e.tensor === '') throw new GrainError(`sites[${i}] ('${e.name}'): tensor is empty`, { file, line });
    if (seen.has(e.name)) throw new GrainError(`sites[${i}]: name '${e.name}' is used twice`, { file, line });
    seen.add(e.name);
    return { name: e.name, tensor: e.tensor };
  });
}

function entryLine(text: string, e: { name?: unknown; tensor?: unknown }): number | undefined {
  if (typeof e?.tensor === 'string') return lineOf(text, JSON.stringify(e.tensor));
  if (typeof e?.name === 'string') return lineOf(text, JSON.stringify(e.name));
  return undefined;
}

function lineOf(text: string, needle: string): number | undefined {
  const at = text.indexOf(needle);
  return at < 0 ? undefined : lineAndColumn(text, at).line;
}

