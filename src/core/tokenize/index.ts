/**
 * Tokenization with exact word alignment over a model folder's Hugging Face tokenizer.json
 * (+ tokenizer_config.json), through @huggingface/tokenizers.
 */
import { loadHfTokenizer } from './load';
import { ModelTokenizer } from './model-tokenizer';

export { ModelTokenizer } from './model-tokenizer';
export type { EncodedSentence, EncodedWindow } from './model-tokenizer';
export { quote as quoteWord } from './word-encoder';

/** Loads the tokenizer of a model folder; every problem with its files is a GrainError naming the file. */
export function loadTokenizer(modelDir: string): ModelTokenizer {
  return new ModelTokenizer(loadHfTokenizer(modelDir));
}
