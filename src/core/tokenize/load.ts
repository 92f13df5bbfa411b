import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { GrainError } from '../errors';
import { isRecord, readJsonFile } from '../io/json-file';

/** Tokenizer models whose word alignment Grain has checked; others are refused, not guessed at. */
export const SUPPORTED_MODEL_TYPES = ['WordLevel', 'BPE', 'WordPiece', 'Unigram'] as const;
export type TokenizerModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** The special-token roles tokenizer_config.json can name. */
export const TOKEN_ROLES = ['bos', 'eos', 'unk', 'pad', 'mask', 'cls', 'sep'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface LoadedTokenizer {
  lib: Tokenizer;
  modelType: TokenizerModelType;
  /** Token text for each role named in tokenizer_config.json. */
  roles: Partial<Record<TokenRole, string>>;
  /** tokenizer_config.json `model_max_length`, or undefined when absent or absurd. */
  modelMaxLength: number | undefined;
  tokenizerFile: string;
  /** `padding.pad_id` of tokenizer.json, when padding is configured there. */
  paddingPadId: number | undefined;
}

/** Hugging Face writes 1e30 (VERY_LARGE_INTEGER) when a tokenizer has no limit. */
const NO_LIMIT_ABOVE = 1e9;

export function loadHfTokenizer(modelDir: string): LoadedTokenizer {
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new GrainError('model folder not found', { file: modelDir });
  }
  const tokenizerFile = join(modelDir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) {
    throw new GrainError(
      'no tokenizer.json in this model folder: Grain needs the Hugging Face tokenizer.json ' +
        '(and preferably tokenizer_config.json) saved next to the model, e.g. by tokenizer.save_pretrained()',
      { file: modelDir },
    );
  }
  const json = readJsonFile(tokenizerFile);
  if (!isRecord(json) || !isRecord(json.model)) {
    throw new GrainError('has no "model" section: not a Hugging Face tokenizer.json', { file: tokenizerFile });
  }
  const modelType = modelTypeOf(json.model, tokenizerFile);
  checkIds(json.model, json.added_tokens, tokenizerFile);

  const configFile = join(modelDir, 'tokenizer_config.json');
  const rawConfig = existsSync(configFile) ? readJsonFile(configFile) : {};
  if (!isRecord(rawConfig)) throw new GrainError('must hold a JSON object', { file: configFile });
  const roles = readRoles(rawConfig);
  // The library's WordLevel takes its unknown token from the config; the Rust library from the model.
  if (modelType === 'WordLevel' && typeof json.model.unk_token === 'string') roles.unk = json.model.unk_token;

  const libConfig: Record<string, unknown> = { ...rawConfig };
  for (const role of TOKEN_ROLES) libConfig[`${role}_token`] = roles[role];
  const tokenizerJson = { added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...json };

  let lib: Tokenizer;
  try {
    lib = new Tokenizer(tokenizerJson, libConfig);
  } catch (e) {
    throw new GrainError(`cannot load this ${modelType} tokenizer: ${(e as Error).message}`, { file: tokenizerFile });
  }
  return {
    lib,
    modelType,
    roles,
    modelMaxLength: readMaxLength(rawConfig.model_max_length),
    tokenizerFile,
    paddingPadId: isRecord(json.padding) && Number.isInteger(json.padding.pad_id) ? (json.padding.pad_id as number) : undefined,
  };
}

/** The library guesses a type from the fields when `type` is missing; so do we, the same way. */
function modelTypeOf(model: Record<string, unknown>, file: string): TokenizerModelType {
  let type = model.type;
  if (type === undefined) {
    if (Array.isArray(model.vocab)) type = 'Unigram';
    else if ('merges' in model) type = 'BPE';
    else if ('continuing_subword_prefix' in model) type = 'WordPiece';
    else type = 'WordLevel';
  }
  if (!(SUPPORTED_MODEL_TYPES as readonly unknown[]).includes(type)) {
    throw new GrainError(
      `unsupported tokenizer model type ${JSON.stringify(type)} (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
      { file },
    );
  }
  if (model.vocab === undefined || model.vocab === null) {
    throw new GrainError(`the ${String(type)} model has no vocabulary`, { file });
  }
  return type as TokenizerModelType;
}

/**
 * Token ids must be whole numbers from 0: onnxruntime's Gather reads a negative index from the
 * end of the embedding table, so such a token would silently get another token's embedding.
 */
function checkIds(model: Record<string, unknown>, added: unknown, file: string): void {
  const bad = (token: unknown, id: unknown) =>
    new GrainError(`the vocabulary maps ${JSON.stringify(token)} to ${JSON.stringify(id)}; token ids must be whole numbers from 0`, { file });
  const vocab = model.vocab;
  if (isRecord(vocab)) {
    for (const [token, id] of Object.entries(vocab)) if (!Number.isInteger(id) || (id as number) < 0) throw bad(token, id);
  }
  if (Array.isArray(added)) {
    for (const t of added) if (isRecord(t) && (!Number.isInteger(t.id) || (t.id as number) < 0)) throw bad(t.content, t.id);
  }
}

/** Role tokens are written either as a string or as a serialised AddedToken `{ content }`. */
function readRoles(config: Record<string, unknown>): Partial<Record<TokenRole, string>> {
  const roles: Partial<Record<TokenRole, string>> = {};
  for (const role of TOKEN_ROLES) {
    const v = config[`${role}_token`];
    if (typeof v === 'string') roles[role] = v;
    else if (isRecord(v) && typeof v.content === 'string') roles[role] = v.content;
  }
  return roles;
}

function readMaxLength(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > NO_LIMIT_ABOVE) return undefined;
  return Math.floor(v);
}
