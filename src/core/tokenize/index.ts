/**
 * Tokenization with exact word alignment over a model folder's Hugging Face tokenizer.json
 * (+ tokenizer_config.json), through @huggingface/tokenizers.
 */
import { loadHfTokenizer } from './load';
import { ModelTokenizer } from './model-tokenizer';

export { ModelTokenizer } from './model-tokenizer';
export type { EncodedSentence, EncodedWindow, EncodeWordsOptions, WindowOptions } from './model-tokenizer';
export type { Continuation } from './word-encoder';
export { SUPPORTED_MODEL_TYPES, type TokenizerModelType } from './load';

/** Loads the tokenizer of a model folder; every problem with its files is a GrainError naming the file. */
export function loadTokenizer(modelDir: string): ModelTokenizer {
  return new ModelTokenizer(loadHfTokenizer(modelDir));
}
