import { GrainError } from '../errors';
import { seededRng } from '../random';

/**
 * NeuroX get_random_neurons: each neuron is kept when a uniform draw is <= `probability`, so
 * the count varies around neurons * probability. Seeded, so a baseline can be re-run exactly.
 */
export function randomNeurons(neurons: number, probability: number, seed: number): Int32Array {
  if (!Number.isInteger(neurons) || neurons < 0) throw new GrainError(`neuron count must be a non-negative integer, got ${neurons}`);
  if (!(probability >= 0 && probability <= 1)) throw new GrainError(`probability must be between 0 and 1, got ${probability}`);
  const next = seededRng(seed);
  const picked: number[] = [];
  for (let j = 0; j < neurons; j++) if (next() <= probability) picked.push(j);
  return Int32Array.from(picked);
}
