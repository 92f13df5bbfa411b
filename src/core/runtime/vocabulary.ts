import { GrainError } from '../errors';
import { embeddingTable, type OnnxModel } from '../onnx';
import type { ModelTokenizer } from '../tokenize';
import type { FeedPlan } from './feeds';

/**
 * Every id the tokenizer can produce must index a row of the model's embedding table: onnxruntime
 * does not check, so a tokenizer from another model would give wrong activations without a word.
 */
export function checkTokenIdsFit(model: OnnxModel, plan: FeedPlan, tokenizer: ModelTokenizer, modelPath: string): void {
  const ids = plan.inputs.find((i) => i.role === 'input_ids');
  const table = ids && embeddingTable(model, ids.name);
  if (!table || tokenizer.vocabSize <= table.rows) return;
  throw new GrainError(
    `the tokenizer (${tokenizer.tokenizerFile}) has token ids up to ${tokenizer.vocabSize - 1}, but the model's embedding table ` +
      `'${table.tensor}' has ${table.rows} rows: the tokenizer does not belong to this model`,
    { file: modelPath },
  );
}
