/**
 * What an ablation can measure on a model: a loss needs real LM logits (an output whose last axis
 * is the tokenizer's vocabulary); without them, the change of the last layer boundary's vectors.
 */
import { GrainError } from '../errors';
import { detectLayout } from '../onnx';

/** Causal: next-token loss. Masked: loss at masked positions. Representation: change of the last layer boundary. */
export type Objective = 'causal' | 'masked' | 'representation';

/** Outputs that hold hidden states whatever their width: never read as logits. */
export const HIDDEN_STATE_OUTPUTS: readonly string[] = ['last_hidden_state', 'hidden_states', 'pooler_output', 'encoder_last_hidden_state'];

/**
 * Vocabularies are padded to a multiple of 64 or 128 rows for fast matrix products (GPT-2: 50,257
 * ids in 50,304 rows), so logits may be a little wider than the tokenizer's highest id + 1; never
 * narrower (a token id would have no logit) and never past the next multiple of 128 (that is not
 * padding but another tensor that happens to be wide).
 */
export const VOCAB_PADDING = 128;

/** The widest logits accepted for a vocabulary of `vocabSize` ids. */
export function maxLogitsWidth(vocabSize: number): number {
  return Math.ceil(vocabSize / VOCAB_PADDING) * VOCAB_PADDING;
}

export function isVocabWidth(width: number, vocabSize: number): boolean {
  return width >= vocabSize && width <= maxLogitsWidth(vocabSize);
}

/** A graph output as one probe run gave it (batch `batch`, `seq` positions). */
export interface ProbedOutput {
  name: string;
  dims: readonly number[];
}

/** Why each output is or is not LM logits, for the choice and for messages. */
export interface OutputVerdict {
  name: string;
  /** Last dimension of the output in the probe run. */
  width: number;
  logits: boolean;
  why: string;
}

export function judgeOutputs(outputs: readonly ProbedOutput[], vocabSize: number, batch: number, seq: number): OutputVerdict[] {
  return outputs.map(({ name, dims }) => {
    const width = dims.length > 0 ? dims[dims.length - 1] : 1;
    const verdict = (logits: boolean, why: string): OutputVerdict => ({ name, width, logits, why });
    if (HIDDEN_STATE_OUTPUTS.includes(name)) return verdict(false, 'a hidden state by its name');
    if (!isVocabWidth(width, vocabSize)) return verdict(false, `width ${width} is not the vocabulary's`);
    try {
      detectLayout(dims, batch, seq);
    } catch {
      return verdict(false, `dims [${dims.join(', ')}] are not one vector per position`);
    }
    return verdict(true, `width ${width} fits the vocabulary`);
  });
}

/**
 * The output to read as logits: `logits` when it qualifies, else the only qualifying output;
 * null when none does. Several qualifying outputs and none named `logits` is ambiguous: refused,
 * since the wrong choice would be a plausible but wrong loss.
 */
export function chooseLogits(verdicts: readonly OutputVerdict[], vocabSize: number, modelPath: string): OutputVerdict | null {
  const ok = verdicts.filter((v) => v.logits);
  const named = ok.find((v) => v.name === 'logits');
  if (named) return named;
  if (ok.length <= 1) return ok[0] ?? null;
  const endsInLogits = ok.filter((v) => /logits$/i.test(v.name));
  if (endsInLogits.length === 1) return endsInLogits[0];
  throw new GrainError(
    `several outputs could be the LM's logits (${ok.map((v) => `${v.name}: ${v.width}`).join(', ')}) and none is named 'logits'; ` +
      `${describeOutputs(verdicts, vocabSize)}. Export the model with one LM head output named 'logits'`,
    { file: modelPath },
  );
}

/** e.g. "its outputs are last_hidden_state (width 128); the tokenizer's vocabulary has 4096 ids". */
export function describeOutputs(verdicts: readonly OutputVerdict[], vocabSize: number): string {
  const list = verdicts.map((v) => `${v.name} (width ${v.width})`).join(', ');
  const max = maxLogitsWidth(vocabSize);
  const range = max === vocabSize ? `${vocabSize}` : `${vocabSize}-${max}`;
  return `its outputs are ${list || 'none'}; the tokenizer's vocabulary has ${vocabSize} ids, so LM logits would have a last dimension of ${range}`;
}
