import { GrainError } from '../errors';

/** `bsh` = [batch, seq, units]; `sbh` = time-major [seq, batch, units] (recurrent exports). */
export type LayoutKind = 'bsh' | 'sbh';

/**
 * Where unit u of position p of batch item b sits in a row-major output buffer:
 * data[b * batchStride + p * positionStride + u * unitStride].
 */
export interface TensorLayout {
  layout: LayoutKind;
  width: number;
  batchStride: number;
  positionStride: number;
  unitStride: number;
  /** Axes of size 1 that were read past (e.g. LSTM num_directions in [seq, 1, batch, units]). */
  squeezed: number[];
}

/**
 * The layout of a site's output, from its dims in a run on a batch of `batch` sequences of
 * length `seq` (batch != seq, both >= 2, so the two axes cannot be confused). Names are never
 * consulted: only the run tells which axis is which.
 */
export function detectLayout(dims: readonly number[], batch: number, seq: number, tensor = 'output'): TensorLayout {
  if (!(batch >= 2 && seq >= 2 && batch !== seq)) {
    throw new GrainError(`layout probe needs batch != seq, both >= 2 (got batch ${batch}, seq ${seq})`);
  }
  const fail = (why: string) =>
    new GrainError(
      `tensor '${tensor}' has dims [${dims.join(', ')}] on a probe batch of ${batch} x ${seq} tokens: ${why}; ` +
        'expected [batch, seq, units] or [seq, batch, units] (axes of size 1 allowed)',
    );
  if (dims.length < 3) throw fail('too few axes');
  const width = dims[dims.length - 1];
  const strides = new Array<number>(dims.length);
  let stride = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= dims[i];
  }
  const squeezed: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < dims.length - 1; i++) (dims[i] === 1 ? squeezed : kept).push(i);
  if (kept.length !== 2) throw fail(kept.length > 2 ? 'an extra axis (e.g. two directions or heads)' : 'missing a batch or sequence axis');
  const [a, b] = kept;
  let layout: LayoutKind;
  if (dims[a] === batch && dims[b] === seq) layout = 'bsh';
  else if (dims[a] === seq && dims[b] === batch) layout = 'sbh';
  else throw fail('no batch and sequence axes');
  const [batchAxis, positionAxis] = layout === 'bsh' ? [a, b] : [b, a];
  return {
    layout,
    width,
    batchStride: strides[batchAxis],
    positionStride: strides[positionAxis],
    unitStride: 1,
    squeezed,
  };
}

/** Copy the `width` units of (batch item b, position p) into dest at destOffset. */
export function copyUnits(data: Float32Array, layout: TensorLayout, b: number, p: number, dest: Float32Array, destOffset: number): void {
  const start = b * layout.batchStride + p * layout.positionStride;
  dest.set(data.subarray(start, start + layout.width), destOffset);
}
