// What a model folder is, for the CLI, the jobs and the extension alike. Plain Node, no `vscode`.
//
// A model is an .onnx file plus the Hugging Face tokenizer.json it was trained with. They come
// laid out in one of these ways, and a path to any of them, or to an .onnx file inside one, names
// a model:
//   optimum          model.onnx, config.json, tokenizer.json, tokenizer_config.json,
//                    special_tokens_map.json at the root (optimum-cli export onnx; Grain's demo
//                    models too, with Grain's own card as config.json)
//   transformers.js  tokenizer and config at the root, the graphs in onnx/: model.onnx,
//                    model_quantized.onnx, model_fp16.onnx, decoder_model_merged.onnx, ...
//   a single file    any-name.onnx with tokenizer.json beside it (or, for onnx/any-name.onnx, in
//                    the folder above)
// A folder may hold several .onnx files (variants). The default is the full-precision graph Grain
// can most likely feed; see DEFAULT_ORDER.
import { existsSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { GrainError } from '../errors';

export type FolderLayout = 'optimum' | 'transformers.js';

/** What a variant's name says about its weights (transformers.js and optimum suffixes). */
export type Precision = 'full' | 'fp16' | 'quantized' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

export interface ModelVariant {
  /** The file's base name without .onnx (`model_quantized`); `onnx/model` when the root has a `model` too. */
  name: string;
  /** Absolute path of the .onnx file. */
  file: string;
  /** Path relative to the model folder: `model.onnx`, `onnx/model_fp16.onnx`. */
  relative: string;
  bytes: number;
  precision: Precision;
  /** Files beside it that hold its weights by the usual names (model.onnx_data, model.onnx.data, ...). */
  externalData: string[];
}

/** A model folder as found on disk, before a variant is chosen. */
export interface ModelFolderScan {
  /** The path as given, made absolute. */
  given: string;
  /** The model folder: where tokenizer.json (and config.json, if any) are. */
  dir: string;
  layout: FolderLayout;
  tokenizer: string;
  /** Every .onnx file, the default first, then by DEFAULT_ORDER and precision. */
  variants: ModelVariant[];
  /** Undefined when several files are there and none is the default: the user picks. */
  defaultVariant: ModelVariant | undefined;
  /** The .onnx file the path named, when it named a file. */
  givenFile: ModelVariant | undefined;
}

/** A model folder with the .onnx file to run. */
export interface ModelFolder extends ModelFolderScan {
  chosen: ModelVariant;
  modelPath: string;
}

/**
 * Full-precision graphs, most preferred first:
 * - model: what optimum writes for encoders and for decoders exported without past key values,
 *   and transformers.js's onnx/model.onnx; it takes input_ids (+ attention_mask ...) only.
 * - decoder_model: the no-past decoder of a "-with-past" export: the same graph under another name.
 * - decoder_model_merged: both branches in one graph; it also takes past_key_values and
 *   use_cache_branch inputs, which Grain may not be able to feed (grain inspect says).
 * - decoder_with_past_model: needs past key values on every run; last resort.
 * Quantized, fp16, int8, q4 ... files are never the default while a full-precision one is there:
 * they change the activations, and neuron analysis wants the model as trained.
 */
export const DEFAULT_ORDER = ['model', 'decoder_model', 'decoder_model_merged', 'decoder_with_past_model'] as const;

const PRECISION_SUFFIX: [RegExp, Precision][] = [
  [/_q4f16$/, 'q4f16'],
  [/_bnb4$/, 'bnb4'],
  [/_q4$/, 'q4'],
  [/_uint8$/, 'uint8'],
  [/_int8$/, 'int8'],
  [/_quantized$/, 'quantized'],
  [/_fp16$/, 'fp16'],
];
const PRECISION_ORDER: Precision[] = ['full', 'fp16', 'quantized', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

const TOKENIZER = 'tokenizer.json';
const ONNX_DIR = 'onnx';

/** The folder a path names (or holds the file it names) and the variants in it; throws a GrainError naming what is missing. */
export function scanModelFolder(dirOrFile: string): ModelFolderScan {
  const given = resolve(dirOrFile);
  const st = statOrUndefined(given);
  if (!st) throw new GrainError('no such model folder or file', { file: given });
  if (st.isFile()) return scanFromFile(given);
  if (!st.isDirectory()) throw new GrainError('is neither a folder nor a file: give a model folder or an .onnx file', { file: given });
  return scanFromFolder(given);
}

/**
 * The model a path names, with the .onnx file to run: the file itself when the path is one, else
 * `variant` (a file's base name without .onnx, e.g. model_quantized) when given, else the default.
 */
export function resolveModelFolder(dirOrFile: string, opts: { variant?: string } = {}): ModelFolder {
  const scan = scanModelFolder(dirOrFile);
  return { ...scan, ...chooseVariant(scan, opts.variant) };
}

/** The variant to run in a scanned folder; GrainError when there is none to choose or the name is unknown. */
export function chooseVariant(scan: ModelFolderScan, variant?: string): { chosen: ModelVariant; modelPath: string } {
  let chosen: ModelVariant | undefined;
  if (variant !== undefined && variant !== '') {
    chosen = findVariant(scan, variant);
    if (!chosen) {
      throw new GrainError(`no variant '${variant}' in this model folder; its variants are ${scan.variants.map((v) => `${v.name} (${v.relative})`).join(', ')}`, { file: scan.dir });
    }
    if (scan.givenFile && scan.givenFile.file !== chosen.file) {
      throw new GrainError(`the path names the file ${scan.givenFile.relative} but the variant asked for is ${chosen.name} (${chosen.relative}); give one or the other`, { file: scan.given });
    }
  } else {
    chosen = scan.givenFile ?? scan.defaultVariant;
  }
  if (!chosen) {
    throw new GrainError(
      `several ONNX files and none is the default (${DEFAULT_ORDER.map((n) => `${n}.onnx`).join(', ')}, or a single full-precision file): ` +
        `${scan.variants.map((v) => v.name).join(', ')}. Choose one: --variant NAME on the command line, or give the file's path`,
      { file: scan.dir },
    );
  }
  if (chosen.bytes === 0) throw new GrainError('this file is not an ONNX model: the file is empty', { file: chosen.file });
  return { chosen, modelPath: chosen.file };
}

/** A variant by name (`model_fp16`), by file name (`model_fp16.onnx`) or by relative path (`onnx/model_fp16.onnx`). */
export function findVariant(scan: Pick<ModelFolderScan, 'variants'>, name: string): ModelVariant | undefined {
  const want = name.replace(/\\/g, '/');
  return (
    scan.variants.find((v) => v.name === want) ??
    scan.variants.find((v) => v.relative === want || v.relative === `${want}.onnx`) ??
    scan.variants.find((v) => basename(v.file) === want || basename(v.file, '.onnx') === want)
  );
}

/**
 * The identity of a model: the real path (links and `..` resolved) of the .onnx file a path runs.
 * A folder without a default variant, or a path that no longer exists, is identified by its own
 * real (or absolute) path, so it still equals itself.
 */
export function modelIdentity(dirOrFile: string): string {
  try {
    return realpathSync(resolveModelFolder(dirOrFile).modelPath);
  } catch {
    const abs = resolve(dirOrFile);
    try {
      return realpathSync(abs);
    } catch {
      return abs.replace(/[\\/]+$/, '');
    }
  }
}

/** Two paths name the same model: the same .onnx file once links, `..` and folder defaults are resolved. */
export function sameModel(a: string, b: string): boolean {
  return modelIdentity(a) === modelIdentity(b);
}

/**
 * A short name for a model path, for labels: the folder's name, plus the variant when the path
 * names a file that is not the folder's default (`my-model · model_quantized`). Never throws.
 */
export function modelDisplayName(dirOrFile: string): string {
  try {
    const scan = scanModelFolder(dirOrFile);
    const name = basename(scan.dir);
    return scan.givenFile && scan.givenFile !== scan.defaultVariant ? `${name} · ${scan.givenFile.name}` : name;
  } catch {
    return basename(resolve(dirOrFile)) || dirOrFile;
  }
}

/** Every file a model path may make Grain read: the folder's files and those of its onnx/ subfolder. */
export function modelFolderFiles(dirOrFile: string): string[] {
  let dirs: string[];
  try {
    const scan = scanModelFolder(dirOrFile);
    dirs = [scan.dir, join(scan.dir, ONNX_DIR), ...scan.variants.map((v) => dirname(v.file))];
  } catch {
    const abs = resolve(dirOrFile);
    const st = statOrUndefined(abs);
    if (!st) return [];
    const dir = st.isDirectory() ? abs : dirname(abs);
    dirs = [dir, join(dir, ONNX_DIR)];
  }
  const files = new Set<string>();
  for (const d of new Set(dirs)) {
    if (!statOrUndefined(d)?.isDirectory()) continue;
    for (const name of readdirSync(d)) files.add(join(d, name));
  }
  return [...files];
}

function scanFromFile(file: string): ModelFolderScan {
  if (!file.toLowerCase().endsWith('.onnx')) {
    throw new GrainError('is not an .onnx file: give a model folder, or the .onnx file inside one', { file });
  }
  const holder = dirname(file);
  const dir = tokenizerFolder(holder, file);
  const scan = scanFolders(dir, holder);
  const givenFile = scan.variants.find((v) => v.file === file);
  if (!givenFile) throw new GrainError('is a hidden file, not a model Grain lists', { file });
  return { ...scan, given: file, givenFile };
}

function scanFromFolder(folder: string): ModelFolderScan {
  const rootFiles = onnxFiles(folder);
  const sub = join(folder, ONNX_DIR);
  const subFiles = statOrUndefined(sub)?.isDirectory() ? onnxFiles(sub) : [];
  if (rootFiles.length === 0 && subFiles.length === 0) {
    throw new GrainError(
      `not a model folder: it has no model.onnx, nor any other .onnx file in it or in its ${ONNX_DIR}/ subfolder ` +
        `(a model folder holds model.onnx, or ${ONNX_DIR}/model.onnx as transformers.js lays it out, and ${TOKENIZER})`,
      { file: folder },
    );
  }
  // The onnx/ folder itself given: its tokenizer is in the folder above.
  const holder = rootFiles.length > 0 ? folder : sub;
  const dir = tokenizerFolder(holder, folder);
  return { ...scanFolders(dir, holder), given: folder, givenFile: undefined };
}

/** Where tokenizer.json is for .onnx files in `holder`: beside them, or above an onnx/ folder. */
function tokenizerFolder(holder: string, what: string): string {
  const looked = [holder];
  if (existsSync(join(holder, TOKENIZER))) return holder;
  if (basename(holder) === ONNX_DIR) {
    const parent = dirname(holder);
    looked.push(parent);
    if (existsSync(join(parent, TOKENIZER))) return parent;
  }
  throw new GrainError(
    `no ${TOKENIZER} for this model: looked in ${looked.join(' and ')}. Grain needs the Hugging Face ${TOKENIZER} ` +
      '(and preferably tokenizer_config.json) saved next to the model, e.g. by tokenizer.save_pretrained()',
    { file: what },
  );
}

/** The variants of a model folder `dir`: its own .onnx files and those of dir/onnx (and of `holder`, where the file was). */
function scanFolders(dir: string, holder: string): Omit<ModelFolderScan, 'given' | 'givenFile'> {
  const sub = join(dir, ONNX_DIR);
  const folders = [dir, ...(statOrUndefined(sub)?.isDirectory() ? [sub] : [])];
  if (!folders.includes(holder)) folders.push(holder);
  const rootNames = new Set(onnxFiles(dir).map((f) => basename(f, '.onnx')));
  const variants: ModelVariant[] = [];
  for (const folder of folders) {
    const siblings = readdirSync(folder);
    for (const file of onnxFiles(folder)) {
      const base = basename(file, '.onnx');
      const rel = relative(dir, file).split('\\').join('/');
      const name = folder !== dir && rootNames.has(base) ? rel.replace(/\.onnx$/, '') : base;
      variants.push({
        name,
        file,
        relative: rel,
        bytes: statSync(file).size,
        precision: precisionOf(base),
        externalData: siblings.filter((s) => isExternalDataOf(s, basename(file))).sort().map((s) => join(folder, s)),
      });
    }
  }
  variants.sort(byPreference);
  const defaultVariant = pickDefault(variants);
  if (defaultVariant) {
    variants.splice(variants.indexOf(defaultVariant), 1);
    variants.unshift(defaultVariant);
  }
  const layout: FolderLayout = onnxFiles(dir).length > 0 ? 'optimum' : 'transformers.js';
  return { dir, layout, tokenizer: join(dir, TOKENIZER), variants, defaultVariant };
}

/** The default variant: the first of DEFAULT_ORDER, else the only full-precision file, else the only file. */
function pickDefault(variants: ModelVariant[]): ModelVariant | undefined {
  const top = variants.filter((v) => !v.name.includes('/'));
  const pool = top.length > 0 ? top : variants;
  for (const name of DEFAULT_ORDER) {
    const hit = pool.find((v) => baseOf(v) === name);
    if (hit) return hit;
  }
  const full = pool.filter((v) => v.precision === 'full');
  if (full.length === 1) return full[0];
  return variants.length === 1 ? variants[0] : undefined;
}

function byPreference(a: ModelVariant, b: ModelVariant): number {
  const rank = (v: ModelVariant) => {
    const stem = stemOf(baseOf(v));
    const i = (DEFAULT_ORDER as readonly string[]).indexOf(stem);
    return i < 0 ? DEFAULT_ORDER.length : i;
  };
  return (
    Number(a.name.includes('/')) - Number(b.name.includes('/')) ||
    rank(a) - rank(b) ||
    stemOf(baseOf(a)).localeCompare(stemOf(baseOf(b))) ||
    PRECISION_ORDER.indexOf(a.precision) - PRECISION_ORDER.indexOf(b.precision) ||
    a.relative.localeCompare(b.relative)
  );
}

function baseOf(v: ModelVariant): string {
  return basename(v.file, '.onnx');
}

/** The name without its precision suffix: model_quantized -> model. */
function stemOf(base: string): string {
  for (const [re] of PRECISION_SUFFIX) if (re.test(base)) return base.replace(re, '');
  return base;
}

function precisionOf(base: string): Precision {
  for (const [re, p] of PRECISION_SUFFIX) if (re.test(base)) return p;
  return 'full';
}

/** model.onnx_data, model.onnx.data, model.onnx_data_1, ...: what exporters name a graph's weight files. */
function isExternalDataOf(name: string, onnxName: string): boolean {
  if (!name.startsWith(onnxName) || name === onnxName) return false;
  return /^(_data|\.data)(_\d+)?$/.test(name.slice(onnxName.length));
}

/** The .onnx files of a folder, hidden ones (Grain's own temporary copies among them) left out. */
function onnxFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name.toLowerCase().endsWith('.onnx') && (e.isFile() || (e.isSymbolicLink() && statOrUndefined(join(folder, e.name))?.isFile())))
    .map((e) => join(folder, e.name))
    .sort();
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export { readModelFolderFacts, expectedBoundaries, parseModelCard } from './facts';
export type { ModelFolderFacts } from './facts';
