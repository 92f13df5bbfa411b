import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrainError } from '../errors';
import { jsonErrorOffset } from './json-syntax';
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
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GrainError(`invalid JSON: ${(e as Error).message}`, { file, line: jsonErrorLine(text) });
  }
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
  return at < 0 ? undefined : lineAt(text, at);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function jsonErrorLine(text: string): number | undefined {
  const at = jsonErrorOffset(text);
  return at < 0 ? undefined : lineAt(text, at);
}
