/** Adam with torch.optim.Adam's defaults and bias correction. */
export interface AdamState {
  m: Float32Array;
  v: Float32Array;
  t: number;
}

export const BETA1 = 0.9;
export const BETA2 = 0.999;
export const EPS = 1e-8;

export function adamState(size: number): AdamState {
  return { m: new Float32Array(size), v: new Float32Array(size), t: 0 };
}

/** One step on params with gradient g; call adamTick() once per step before the updates. */
export function adamUpdate(state: AdamState, params: Float32Array, g: Float32Array, lr: number): void {
  const { m, v, t } = state;
  const bc1 = 1 - BETA1 ** t;
  const sqrtBc2 = Math.sqrt(1 - BETA2 ** t);
  const stepSize = lr / bc1;
  for (let i = 0; i < params.length; i++) {
    const gi = g[i];
    const mi = BETA1 * m[i] + (1 - BETA1) * gi;
    const vi = BETA2 * v[i] + (1 - BETA2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + EPS);
  }
}

export function adamTick(...states: AdamState[]): void {
  for (const s of states) s.t++;
}
