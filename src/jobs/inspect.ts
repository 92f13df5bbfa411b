import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InspectJob } from '../shared/jobs';
import {
  INSPECT_SCHEMA,
  INSPECT_VERSION,
  failed,
  type Failed,
  type InspectGraph,
  type InspectInput,
  type InspectObjective,
  type InspectReport,
  type InspectRun,
  type InspectSite,
  type InspectSites,
  type InspectTokenizer,
} from '../shared/inspect';
import { GRAIN_VERSION } from '../shared/version';
import { GrainError, formatLocation, throwIfAborted } from '../core/errors';
import { chooseVariant, readModelFolderFacts, scanModelFolder, type ModelFolder } from '../core/model/folder';
import { detectSites, modelInputs, readAnalysisModel, readGrainConfig, type ModelInput, type ModelSite, type OnnxModel } from '../core/onnx';
import { dataTypeName, type TypeProto } from '../core/onnx/types';
import { planFeeds } from '../core/runtime/feeds';
import { openExtractionModel } from '../core/extract/model';
import { openAblationSession } from '../core/ablate';
import { loadHfTokenizer, TOKEN_ROLES } from '../core/tokenize/load';
import { ModelTokenizer } from '../core/tokenize';
import { isRecord, readJsonFile } from '../core/io/json-file';
import type { JobContext } from './context';

/**
 * What a model folder holds and how Grain would use it. Every part that cannot be read is
 * reported with its message (file and line) instead of failing the whole job; only a path that
 * names no model at all (no .onnx file, no tokenizer.json) fails, with the CLI's message.
 */
export async function runInspect(job: InspectJob, ctx: JobContext): Promise<InspectReport> {
  const scan = scanModelFolder(job.model);
  const facts = readModelFolderFacts(scan);
  const problems: string[] = [];
  const warnings = [...facts.warnings];
  const missing = [...facts.missing];
  // A variant asked for must exist (a wrong name fails the job); a folder with no default is
  // still reported, with its variants and how to choose one.
  let folder: ModelFolder | undefined;
  if (job.variant || scan.givenFile || scan.defaultVariant) folder = { ...scan, ...chooseVariant(scan, job.variant) };
  else {
    try {
      chooseVariant(scan);
    } catch (e) {
      problems.push(userMessage(e));
    }
  }
  const report: InspectReport = {
    schema: INSPECT_SCHEMA,
    version: INSPECT_VERSION,
    grain: GRAIN_VERSION,
    model: job.model,
    folder: {
      dir: scan.dir,
      layout: scan.layout,
      variants: facts.variants.map((v) => ({ ...v, chosen: v.name === folder?.chosen.name })),
      defaultVariant: scan.defaultVariant?.name ?? null,
      chosen: folder?.chosen.name ?? null,
      modelPath: folder?.modelPath ?? null,
      files: facts.files,
    },
    config: {
      source: facts.source,
      kind: facts.kind,
      architectures: facts.architectures,
      hiddenSize: facts.hiddenSize,
      layers: facts.layers,
      layerBoundaries: facts.layerBoundaries,
      vocabSize: facts.vocabSize,
      maxPositions: facts.maxPositions,
      parameters: facts.parameters,
    },
    tokenizer: { error: '' },
    missing,
    warnings,
    problems,
    usable: false,
  };

  ctx.progress({ stage: 'reading the tokenizer', done: 0, total: 4 });
  const tok = inspectTokenizer(scan.dir, warnings, missing, facts.maxPositions);
  report.tokenizer = tok.report;
  if (failed(tok.report)) problems.push(tok.report.error);

  if (folder) {
    throwIfAborted(ctx.signal);
    ctx.progress({ stage: 'reading the graph', done: 1, total: 4 });
    const graph = inspectGraph(folder.modelPath, tok.tokenizer);
    report.graph = graph.report;
    if (failed(graph.report)) problems.push(graph.report.error);
    else if (!graph.report.feedable) problems.push(graph.feedProblem!);

    if (graph.model) {
      report.sites = inspectSites(graph.model, scan.dir);
      if (failed(report.sites)) problems.push(report.sites.error);
    }
    if (graph.model && tok.tokenizer && !failed(report.sites!) && !failed(graph.report) && graph.report.feedable) {
      throwIfAborted(ctx.signal);
      ctx.progress({ stage: 'running the model on a few tokens', done: 2, total: 4 });
      report.run = await probeRun(folder.modelPath, report.sites as InspectSites, job.threads);
      if (failed(report.run)) problems.push(report.run.error);
      throwIfAborted(ctx.signal);
      ctx.progress({ stage: 'asking the ablation code for its objective', done: 3, total: 4 });
    }
    if (!failed(graph.report)) {
      const runnable = report.run !== undefined && !failed(report.run);
      report.objective = await ablationObjectiveOf(folder.modelPath, graph.report, tok.tokenizer, runnable, job.threads);
    }
  }
  ctx.progress({ stage: 'done', done: 4, total: 4 });
  report.usable = problems.length === 0;
  return report;
}

/** A GrainError's message; anything else is a bug and is thrown on. */
function userMessage(e: unknown): string {
  if (e instanceof GrainError) return e.message;
  throw e;
}

function attempt<T>(fn: () => T): T | Failed {
  try {
    return fn();
  } catch (e) {
    return { error: userMessage(e) };
  }
}

function inspectTokenizer(
  dir: string,
  warnings: string[],
  missing: string[],
  configPositions: number | undefined,
): { report: InspectTokenizer | Failed; tokenizer?: ModelTokenizer } {
  let tokenizer: ModelTokenizer | undefined;
  const report = attempt((): InspectTokenizer => {
    const loaded = loadHfTokenizer(dir);
    tokenizer = new ModelTokenizer(loaded);
    const t = tokenizer;
    const special: InspectTokenizer['special'] = [];
    const ids: Partial<Record<string, number | undefined>> = { pad: t.padId, bos: t.bosId, eos: t.eosId, unk: t.unkId, mask: t.maskId };
    for (const role of TOKEN_ROLES) {
      const token = loaded.roles[role];
      const id = ids[role] ?? (token !== undefined ? (loaded.lib.token_to_id(token) ?? null) : null);
      const text = token ?? (typeof id === 'number' ? t.idToToken(id) : undefined);
      if (text !== undefined) special.push({ role, token: text, id: id ?? null });
    }
    // The tokens the template puts around a sentence: the special positions before and after a word.
    const enc = t.encodeWords(['the']);
    const first = enc.wordIndex.findIndex((w) => w >= 0);
    let last = -1;
    enc.wordIndex.forEach((w, i) => {
      if (w >= 0) last = i;
    });
    const template = {
      prefix: enc.tokens.slice(0, Math.max(0, first)),
      suffix: last >= 0 ? enc.tokens.slice(last + 1) : [],
    };
    return {
      file: t.tokenizerFile,
      type: t.modelType,
      vocabSize: t.vocabSize,
      maxLength: Number.isFinite(t.maxLength) ? t.maxLength : null,
      special,
      template,
    };
  });
  if (tokenizer) {
    if (tokenizer.padId === undefined) missing.push(`a pad token: batches are padded with ${tokenizer.eosId !== undefined ? 'the eos token' : 'id 0'} (causal models and models with an attention mask do not see it)`);
    if (tokenizer.maskId === undefined) missing.push('a mask token (mask_token): needed only for masked-LM ablation');
    if (!Number.isFinite(tokenizer.maxLength)) {
      missing.push(
        `a position limit (model_max_length in tokenizer_config.json): sentences are not cut${configPositions ? `, though config.json says the model has ${configPositions} positions` : ''}`,
      );
    }
    specialTokensMapWarnings(dir, warnings);
  }
  return { report, tokenizer };
}

/** Roles only special_tokens_map.json names: Grain reads roles from tokenizer_config.json, so say so. */
function specialTokensMapWarnings(dir: string, warnings: string[]): void {
  const file = join(dir, 'special_tokens_map.json');
  if (!existsSync(file)) return;
  const configFile = join(dir, 'tokenizer_config.json');
  let map: unknown;
  let config: unknown = {};
  try {
    map = readJsonFile(file);
    if (existsSync(configFile)) config = readJsonFile(configFile);
  } catch (e) {
    warnings.push(userMessage(e));
    return;
  }
  if (!isRecord(map) || !isRecord(config)) return;
  const only = TOKEN_ROLES.filter((r) => map[`${r}_token`] !== undefined && config[`${r}_token`] === undefined);
  if (only.length > 0) {
    warnings.push(`${file}: names ${only.map((r) => `${r}_token`).join(', ')}, which tokenizer_config.json does not; Grain takes special-token roles from tokenizer_config.json`);
  }
}

/** What Grain puts in an input of each role planFeeds accepts (roles it may learn later included). */
const FEEDS: Record<string, string> = {
  input_ids: 'token ids, right-padded',
  attention_mask: '1 on tokens, 0 on padding',
  token_type_ids: '0 (one segment)',
  position_ids: '0, 1, 2, ... along each row',
  past: 'empty (past length 0), as a sequence starts',
  use_cache_branch: 'false (the no-past branch)',
};

/** A stand-in input_ids, so planFeeds can judge one other input on its own. */
const IDS: ModelInput = { name: 'input_ids', type: 'int64', dims: [], role: 'input_ids' };

function inspectGraph(modelPath: string, tokenizer: ModelTokenizer | undefined): { report: InspectGraph | Failed; model?: OnnxModel; feedProblem?: string } {
  let model: OnnxModel;
  let notes: string[];
  try {
    ({ model, notes } = readAnalysisModel(modelPath));
  } catch (e) {
    return { report: { error: userMessage(e) } };
  }
  const strip = (e: unknown) => {
    const message = userMessage(e);
    const prefix = e instanceof GrainError ? formatLocation(e.where) : '';
    return message.startsWith(prefix) ? message.slice(prefix.length) : message;
  };
  const inputs: InspectInput[] = modelInputs(model).map((input) => {
    const row: InspectInput = { name: input.name, type: input.type, dims: input.dims, role: input.role, feed: null };
    try {
      planFeeds(input.role === 'input_ids' ? [input] : [IDS, input], modelPath);
      row.feed = FEEDS[input.role] ?? `as its role ${input.role}`;
      if (input.role === 'input_ids' && tokenizer) row.feed += ` with id ${tokenizer.padId ?? tokenizer.eosId ?? 0}`;
    } catch (e) {
      row.problem = strip(e);
    }
    return row;
  });
  let feedProblem: string | undefined;
  try {
    planFeeds(modelInputs(model), modelPath);
  } catch (e) {
    feedProblem = userMessage(e);
  }
  const dir = dirname(modelPath);
  const externalBytes = model.externalData.reduce((s, f) => s + sizeOf(join(dir, f)), 0);
  let parameters = 0;
  for (const t of model.graph.initializer) parameters += t.dims.reduce((a, b) => a * Number(b), 1);
  const opsets = model.proto.opsetImport.map((o) => `${o.domain || 'ai.onnx'} ${o.version ?? '?'}`);
  return {
    model,
    feedProblem,
    report: {
      file: modelPath,
      bytes: sizeOf(modelPath) + externalBytes,
      irVersion: model.proto.irVersion ?? null,
      opsets,
      producer: producerOf(model),
      parameters,
      externalData: model.externalData,
      notes,
      inputs,
      outputs: model.graph.output.map((o) => ({ name: o.name ?? '', type: dataTypeName(o.type?.tensorType?.elemType), dims: dimsOf(o.type) })),
      feedable: feedProblem === undefined,
    },
  };
}

function inspectSites(model: OnnxModel, dir: string): InspectSites | Failed {
  return attempt((): InspectSites => {
    const explicit = readGrainConfig(dir);
    const source = model.file;
    const found = detectSites(model, { sites: 'layers', explicit, source });
    const row = (s: ModelSite): InspectSite => ({ name: s.name, kind: s.kind, tensor: s.tensor, layer: s.layer });
    let mlp: InspectSites['mlp'];
    if (explicit) {
      mlp = found.sites.filter((s) => s.kind === 'mlp').map(row);
    } else {
      const m = attempt(() => detectSites(model, { sites: 'mlp', source }).sites.map(row));
      mlp = failed(m) ? { error: m.error.startsWith(formatLocation({ file: source })) ? m.error.slice(formatLocation({ file: source }).length) : m.error } : m;
    }
    const boundaries = found.sites.filter((s) => !explicit || s.kind !== 'mlp').map(row);
    return { method: found.method, detail: found.detail, boundaries, mlp };
  });
}

/** Site widths and layouts, and whether padding is safe, from openExtractionModel's probe runs. */
async function probeRun(modelPath: string, sites: InspectSites, threads: number): Promise<InspectRun | Failed> {
  const started = performance.now();
  const withMlp = !failed(sites.mlp) && sites.mlp.length > 0 && sites.method !== 'explicit';
  try {
    const model = await openExtractionModel(modelPath, { sites: withMlp ? 'all' : 'layers', threads });
    try {
      const rows = [...sites.boundaries, ...(failed(sites.mlp) ? [] : sites.mlp)];
      model.sites.forEach((s, i) => {
        const r = rows.find((x) => x.name === s.name);
        if (r) {
          r.width = s.width;
          r.layout = model.siteLayouts[i];
        }
      });
      return { padSafe: model.padSafe, neurons: model.neurons, seconds: (performance.now() - started) / 1000 };
    } finally {
      await model.close();
    }
  } catch (e) {
    return { error: userMessage(e) };
  }
}

/**
 * The loss ablation would measure on this model, as the ablation code itself decides it:
 * openAblationSession finds causal vs masked with a probe run (no loss is computed) and refuses
 * models it cannot score (no logits output, no mask token for a masked LM). This opens the
 * model twice more; when the ablation code exposes a cheaper question (e.g. an
 * `ablationObjective(model)` of src/core/ablate), call it here instead: this is the one place.
 */
export async function ablationObjectiveOf(
  modelPath: string,
  graph: InspectGraph,
  tokenizer: ModelTokenizer | undefined,
  runnable: boolean,
  threads: number,
): Promise<InspectObjective> {
  const vocab = tokenizer?.vocabSize ?? null;
  const outputs = graph.outputs.map((o) => {
    const width = o.dims.length > 0 ? o.dims[o.dims.length - 1] : null;
    return { name: o.name, width, vocabSize: vocab, matchesVocab: typeof width === 'number' && width === vocab };
  });
  if (!runnable) return { ablation: null, note: 'not asked: the model could not be run (see above)', outputs };
  try {
    const session = await openAblationSession(modelPath, { sites: 'layers', threads });
    await session.close();
    // Named as ablation results name them (causal-lm, masked-lm, or any objective the ablation code adds).
    const name = String(session.objective);
    const objective = name === 'causal' ? 'causal-lm' : name === 'masked' ? 'masked-lm' : name;
    const reason = (session as { objectiveReason?: unknown }).objectiveReason;
    return {
      ablation: objective,
      note:
        typeof reason === 'string'
          ? reason
          : objective === 'causal-lm'
            ? 'a later token does not change earlier logits: next-token NLL'
            : 'every position sees every token: NLL at masked positions',
      outputs,
    };
  } catch (e) {
    return { ablation: null, note: userMessage(e), outputs };
  }
}


function producerOf(model: OnnxModel): string | null {
  const p = model.proto as { producerName?: string; producerVersion?: string };
  if (!p.producerName) return null;
  return p.producerVersion ? `${p.producerName} ${p.producerVersion}` : p.producerName;
}

function dimsOf(type: TypeProto | undefined): (number | string | null)[] {
  const shape = type?.tensorType?.shape;
  if (!shape) return [];
  return shape.dim.map((d) => (d.dimValue !== undefined ? d.dimValue : d.dimParam ? d.dimParam : null));
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
