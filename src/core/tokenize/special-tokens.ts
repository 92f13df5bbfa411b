import type { Tokenizer } from '@huggingface/tokenizers';
import { GrainError } from '../errors';
import type { LoadedTokenizer, TokenRole } from './load';
import { TOKEN_ROLES } from './load';

/** The tokens the post-processor puts around one sentence, and the ids of the named roles. */
export interface SpecialTokens {
  prefix: Int32Array;
  prefixTokens: string[];
  suffix: Int32Array;
  suffixTokens: string[];
  ids: Partial<Record<TokenRole, number>>;
  /** Every id that is a special token: added tokens marked special, template tokens, role tokens. */
  all: Set<number>;
}

// Stands for the sentence when asking the post-processor where it puts its special tokens;
// no vocabulary holds it.
const SENTENCE_MARK = '\u0000grain:sentence\u0000';

export function resolveSpecialTokens(loaded: LoadedTokenizer): SpecialTokens {
  const { lib, tokenizerFile } = loaded;
  const around = templateAround(lib, tokenizerFile);
  const prefix = idsOf(lib, around.prefix, tokenizerFile);
  const suffix = idsOf(lib, around.suffix, tokenizerFile);

  const ids: Partial<Record<TokenRole, number>> = {};
  for (const role of TOKEN_ROLES) {
    const token = loaded.roles[role];
    const id = token === undefined ? undefined : lib.token_to_id(token);
    if (id !== undefined) ids[role] = id;
  }
  if (ids.unk === undefined && lib.model?.unk_token_id !== undefined) ids.unk = lib.model.unk_token_id;
  if (ids.pad === undefined) ids.pad = loaded.paddingPadId ?? conventionalPad(lib);

  const all = new Set<number>([...prefix, ...suffix]);
  for (const [id, token] of lib.get_added_tokens_decoder()) if (token.special) all.add(id);
  for (const role of TOKEN_ROLES) if (ids[role] !== undefined) all.add(ids[role]);
  return { prefix, prefixTokens: around.prefix, suffix, suffixTokens: around.suffix, ids, all };
}

function templateAround(lib: Tokenizer, file: string): { prefix: string[]; suffix: string[] } {
  if (!lib.post_processor) return { prefix: [], suffix: [] };
  const out = lib.post_processor([SENTENCE_MARK], null, true).tokens;
  const at = out.indexOf(SENTENCE_MARK);
  if (at < 0 || out.lastIndexOf(SENTENCE_MARK) !== at) {
    throw new GrainError('the post_processor does not place the sentence exactly once', { file });
  }
  return { prefix: out.slice(0, at), suffix: out.slice(at + 1) };
}

function idsOf(lib: Tokenizer, tokens: string[], file: string): Int32Array {
  const ids = new Int32Array(tokens.length);
  tokens.forEach((t, i) => {
    const id = lib.token_to_id(t);
    if (id === undefined) throw new GrainError(`the post_processor adds ${JSON.stringify(t)}, which is not in the vocabulary`, { file });
    ids[i] = id;
  });
  return ids;
}

/** Without a pad_token in the config, accept an added token that is unmistakably a pad. */
function conventionalPad(lib: Tokenizer): number | undefined {
  for (const [id, token] of lib.get_added_tokens_decoder()) {
    if (/^(<pad>|\[PAD\]|<\|pad\|>|<\|padding\|>)$/i.test(token.content)) return id;
  }
  return undefined;
}
