import { GrainError } from '../errors';

/** `bsh` = [batch, seq, units]; `sbh` = time-major [seq, batch, units] (recurrent exports). */
export type LayoutKind = 'bsh' | 'sbh';

/**
 * How one run's output of a site is laid out. Unit u of position p of batch item b is at
 * data[b * batchStride + p * positionStride + u * unitStride] of the row-major buffer.
 */
export interface TensorLayout {
  layout: LayoutKind;
  width: number;
  batchStride: number;
  positionStride: number;
  unitStride: number;
  /** Axes of size 1 read past (e.g. LSTM num_directions in [seq, 1, batch, units]). */
  squeezed: number[];
}

/**
 * The layout of a site's output from its dims in a run on `batch` sequences of `seq` tokens.
 * Without `known` this is the probe: batch != seq, both >= 2, so only the run decides which
 * axis is which (names are never consulted). With the probe's `known` kind, any later run
 * (batch 1, batch == seq, ...) gets its strides; an axis of size 1 is never indexed past 0,
 * so any fitting assignment of size-1 axes gives the same offsets.
 */
export function detectLayout(dims: readonly number[], batch: number, seq: number, known?: LayoutKind, tensor = 'output'): TensorLayout {
  if (!known && !(batch >= 2 && seq >= 2 && batch !== seq)) {
    throw new GrainError(`layout probe needs batch != seq, both >= 2 (got batch ${batch}, seq ${seq})`);
  }
  const unitAxis = dims.length - 1;
  const fits: { layout: LayoutKind; batchAxis: number; positionAxis: number }[] = [];
  for (let i = 0; i < unitAxis; i++) {
    for (let j = i + 1; j < unitAxis; j++) {
      if (!dims.every((d, k) => k === i || k === j || k === unitAxis || d === 1)) continue;
      for (const layout of known ? [known] : (['bsh', 'sbh'] as const)) {
        const [batchAxis, positionAxis] = layout === 'bsh' ? [i, j] : [j, i];
        if (dims[batchAxis] === batch && dims[positionAxis] === seq) fits.push({ layout, batchAxis, positionAxis });
      }
    }
  }
  if (fits.length === 0 || (!known && fits.length > 1)) {
    throw new GrainError(
      `tensor '${tensor}' has dims [${dims.join(', ')}] on a run of ${batch} x ${seq} tokens; expected ` +
        `${known ? (known === 'bsh' ? '[batch, seq, units]' : '[seq, batch, units]') : '[batch, seq, units] or [seq, batch, units]'} ` +
        '(extra axes of size 1 allowed; two directions or attention heads are not)',
    );
  }
  const { layout, batchAxis, positionAxis } = fits[0];
  const strides = rowMajorStrides(dims);
  const squeezed = dims.flatMap((d, k) => (k !== batchAxis && k !== positionAxis && k !== unitAxis ? [k] : []));
  return {
    layout,
    width: dims[unitAxis],
    batchStride: strides[batchAxis],
    positionStride: strides[positionAxis],
    unitStride: 1,
    squeezed,
  };
}

function rowMajorStrides(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let stride = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= dims[i];
  }
  return strides;
}

/** Copy the units of (batch item b, position p) into dest at destOffset. */
export function copyUnits(data: Float32Array, layout: TensorLayout, b: number, p: number, dest: Float32Array, destOffset: number): void {
  const start = b * layout.batchStride + p * layout.positionStride;
  dest.set(data.subarray(start, start + layout.width), destOffset);
}
