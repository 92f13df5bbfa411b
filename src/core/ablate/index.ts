/**
 * In-model ablation: zero chosen neurons inside an ONNX language model (a mask input per site,
 * one session for every mask) and measure its loss, exactly as the demo model cards define it,
 * or, without an LM head, how far the last layer boundary moves.
 */
import { readSentenceFile } from '../text';
import { parseMaskSpec, type Ablation } from './mask-spec';
import { createEvaluator, type Measurement } from './measure';
import { openAblationSession, type AblationSessionOptions, type Objective } from './session';
import { prepareText, type MaskedPositions, type PrepareOptions } from './text';

export {
  parseMaskSpec,
  parseMaskSyntax,
  ablationFromNeurons,
  maskVectors,
  ablatedCount,
} from './mask-spec';
export {
  openAblationSession,
  type AblationSession,
  type AblationSessionOptions,
  type Objective,
} from './session';
export { maxLogitsWidth, isVocabWidth, judgeOutputs, chooseLogits } from './objective';
export { addBatchChange } from './representation';
export { createEvaluator, type Measurement } from './measure';
export {
  prepareText,
  chooseMaskedPositions,
  type PreparedText,
  type PrepareOptions,
  type MaskedPositions,
} from './text';
export { evaluateLoss, sumTokenNll, expNonPositive } from './loss';
export {
  ablationCurve,
  countsFromPercents,
  randomOrdering,
  type Ordering,
} from './curve';

export interface AblationEvaluation {
  spec: string | null;
  result: Measurement;
}

export interface TextJobOptions extends AblationSessionOptions, PrepareOptions {
  signal?: AbortSignal;
}

/**
 * The objective's figures of a model on a sentence file, unablated (spec null) and under each
 * mask spec, from one session. For a masked LM, `masked` says which positions were scored.
 */
export async function evaluateAblations(
  modelDir: string,
  textFile: string,
  specs: readonly (string | null)[],
  opts: TextJobOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<{ evaluations: AblationEvaluation[]; masked?: MaskedPositions; sentences: number; objective: Objective }> {
  const { sentences, lines } = readSentenceFile(textFile);
  const session = await openAblationSession(modelDir, opts);
  try {
    // Specs are checked before any run, so a typo costs nothing.
    const parsed: (Ablation | null)[] = specs.map((s) => (s === null ? null : parseMaskSpec(s, session.sites)));
    const text = prepareText(session, sentences, { ...opts, file: textFile, lines });
    const evaluator = createEvaluator(session, text);
    const evaluations: AblationEvaluation[] = [];
    for (let i = 0; i < parsed.length; i++) {
      evaluations.push({ spec: specs[i], result: await evaluator.evaluate(parsed[i], { signal: opts.signal }) });
      opts.onProgress?.(i + 1, parsed.length);
    }
    return { evaluations, masked: text.masked, sentences: text.sentences, objective: session.objective };
  } finally {
    await session.close();
  }
}

