/**
 * One epoch of the default trainers (classifier and regression): the data's batches in an order
 * shuffled per epoch (in memory: all of them; streamed: within windows of `shuffleWindow`
 * batches), with every `holdoutEvery`-th batch held out instead. The held-out batches are the
 * same every epoch, so they are collected on the first.
 */
import type { Batch, ProbeData } from './data';
import { shuffleInPlace } from '../random';

export interface Holdout {
  batches: Batch[];
  rows: number;
  /** Set after the first epoch: the batches are all there. */
  complete: boolean;
}

export function emptyHoldout(): Holdout {
  return { batches: [], rows: 0, complete: false };
}

export async function trainEpoch(
  data: ProbeData,
  o: { batchSize: number; holdoutEvery: number; shuffleWindow: number },
  rng: () => number,
  holdout: Holdout,
  trainOn: (batch: Batch) => Promise<void>,
): Promise<void> {
  let window: Batch[] = [];
  const flush = async () => {
    shuffleInPlace(window, rng);
    for (const b of window) await trainOn(b);
    window = [];
  };
  for await (const batch of data.batches(o.batchSize)) {
    if (o.holdoutEvery > 0 && batch.index % o.holdoutEvery === o.holdoutEvery - 1) {
      if (!holdout.complete) {
        holdout.batches.push(batch);
        holdout.rows += batch.rows;
      }
      continue;
    }
    window.push(batch);
    if (!data.inMemory && window.length >= o.shuffleWindow) await flush();
  }
  await flush();
  holdout.complete = true;
}
