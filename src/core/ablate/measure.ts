import { evaluateLoss, type LossResult, type RunOptions } from './loss';
import type { Ablation } from './mask-spec';
import { BASELINE_BUDGET_BYTES, evaluateRepresentation, RepresentationBaseline, type RepresentationResult } from './representation';
import type { AblationSession, Objective } from './session';
import type { PreparedText } from './text';

/** What one ablation did, by the session's objective. */
export interface Measurement {
  objective: Objective;
  /** The figure curves plot, higher is worse: mean NLL (nats), or mean 1 - cosine for representation. */
  value: number;
  /** Scored tokens, or compared positions. */
  tokens: number;
  /** LM objectives. */
  loss?: LossResult;
  /** Representation. */
  representation?: RepresentationResult;
}

/** Measures ablations of one session on one prepared text (sharing the representation baseline). */
export interface Evaluator {
  objective: Objective;
  evaluate(ablation: Ablation | null, opts?: RunOptions): Promise<Measurement>;
}

export interface EvaluatorOptions {
  /** Representation: bytes of unablated vectors held in memory (default BASELINE_BUDGET_BYTES). */
  baselineBudget?: number;
}

export function createEvaluator(session: AblationSession, text: PreparedText, opts: EvaluatorOptions = {}): Evaluator {
  if (text.objective !== session.objective) throw new Error(`text prepared for ${text.objective}, session measures ${session.objective}`);
  const objective = session.objective;
  if (objective === 'representation') {
    const baseline = new RepresentationBaseline(session, text, opts.baselineBudget ?? BASELINE_BUDGET_BYTES);
    return {
      objective,
      async evaluate(ablation, runOpts) {
        const r = await evaluateRepresentation(session, text, ablation, baseline, runOpts);
        return { objective, value: r.cosineDistance, tokens: r.tokens, representation: r };
      },
    };
  }
  return {
    objective,
    async evaluate(ablation, runOpts) {
      const r = await evaluateLoss(session, text, ablation, runOpts);
      return { objective, value: r.meanNll, tokens: r.tokens, loss: r };
    },
  };
}
