import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { stdio } from './out';
import { resolveModelFolder } from '../core/model/folder';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags of one subcommand; an unknown flag is a usage error naming it. */
export type Flags = Partial<Record<string, string | boolean | (string | boolean)[]>>;

export function parseFlags(argv: string[], spec: FlagSpec): Flags {
  try {
    const values: Flags = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values;
    return values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export class UsageError extends Error {}

export function required(flags: Record<string, unknown>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/**
 * --model with --variant applied: the .onnx file of that variant (a file's base name without
 * .onnx, e.g. model_quantized), which every job takes as its model; --model as given otherwise.
 */
export function modelFlag(flags: Record<string, unknown>): string | undefined {
  const model = flags.model;
  const variant = flags.variant;
  const hasVariant = typeof variant === 'string' && variant !== '';
  if (typeof model !== 'string' || model === '') {
    if (hasVariant) throw new UsageError('--variant goes with --model');
    return undefined;
  }
  return hasVariant ? resolveModelFolder(model, { variant }).modelPath : model;
}

/** modelFlag, and --model is required. */
export function requiredModel(flags: Record<string, unknown>): string {
  return modelFlag(flags) ?? required(flags, 'model');
}

export const VARIANT_USAGE = '  --variant NAME runs one .onnx of a folder with several (model_quantized, decoder_model_merged, ...).';

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${value}')`);
  return value as T;
}

export function positiveInt(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  return wholeNumber(name, value, 1, max);
}

export function finiteNumber(name: string, value: string, min = -Infinity, max = Infinity): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number in [${min}, ${max}] (got '${value}')`);
  }
  return n;
}

/** A whole number in [min, max]. */
export function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = value.trim() === '' ? NaN : Number(value);
  const range = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive whole number' : `a whole number from ${min} to ${max}`;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be ${range} (got '${value}')`);
  return n;
}

/**
 * onnxruntime threads: more than the machine has only adds contention (and a huge number makes
 * onnxruntime allocate per-thread state until memory runs out), so it is capped with a warning.
 */
export function threadCount(value: string, warn: (message: string) => void = stdio.warn): number {
  const n = wholeNumber('threads', value, 1, 1_000_000);
  const cpus = availableParallelism();
  if (n <= cpus) return n;
  warn(`--threads ${n} is more than the ${cpus} CPUs of this machine; using ${cpus}`);
  return cpus;
}

/**
 * NeuroX's filter_layers (`--layers`: site names or NeuroX layer indices, comma-separated, kept in
 * that order) and include_embeddings false (`--ignore-embeddings`) over the sites an extraction
 * finds; undefined when neither is given.
 */
export function layerFilterFlags(flags: Record<string, unknown>, layersFlag = 'layers'): { layers?: string[]; ignoreEmbeddings?: boolean } | undefined {
  const list = flags[layersFlag];
  const layers = typeof list === 'string' ? list.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  if (typeof list === 'string' && layers!.length === 0) throw new UsageError(`--${layersFlag} lists no layer`);
  const ignoreEmbeddings = flags['ignore-embeddings'] === true;
  if (layers && ignoreEmbeddings) throw new UsageError(`--${layersFlag} and --ignore-embeddings cannot be used together (NeuroX refuses them together too): list the layers to keep`);
  if (!layers && !ignoreEmbeddings) return undefined;
  return layers ? { layers } : { ignoreEmbeddings };
}
