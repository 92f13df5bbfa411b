/**
 * NeuroX's elastic net: lambda_l1 * sum|W| + lambda_l2 * ||W||_2, where the L2 term is the
 * Frobenius NORM (sqrt of the sum of squares, as neurox/interpretation/linear_probe.py's
 * l2_penalty), not its square. Only the weight matrix is penalised, never the bias.
 */
import { GrainError } from '../errors';

export interface ElasticNet {
  l1: number;
  l2: number;
}

export function checkLambdas(l1: number, l2: number): ElasticNet {
  for (const [name, v] of [['lambda_l1', l1], ['lambda_l2', l2]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new GrainError(`${name} must be a finite number >= 0, got ${v}`);
    }
  }
  return { l1, l2 };
}

/** Frobenius norm in float64. */
export function frobenius(w: Float32Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * w[i];
  return Math.sqrt(s);
}

export function penaltyValue(w: Float32Array, net: ElasticNet): number {
  let abs = 0;
  for (let i = 0; i < w.length; i++) abs += Math.abs(w[i]);
  return net.l1 * abs + net.l2 * frobenius(w);
}
