/** How the full probe spreads each class over neurons: localised vs distributed, and exclusivity. */
import { classOverlap, localization, topNeurons } from '../rank';
import type { FullProbe } from './task';
import type { ExclusivityResult, LocalizationResult } from './types';

function names(full: FullProbe, classNames?: string[]): string[] {
  return Array.from({ length: full.result.classes }, (_, c) => classNames?.[c] ?? String(c));
}

export function localizationByClass(full: FullProbe, classNames?: string[], shares: readonly number[] = [0.5, 0.9, 0.99]): LocalizationResult {
  const { classes, neurons } = full.result;
  const loc = localization(full.ranking, classes, neurons, shares);
  const k = shares.length;
  return {
    shares: [...shares],
    neurons,
    classes: names(full, classNames).map((className, c) => ({
      className,
      counts: Array.from(loc.counts.subarray(c * k, (c + 1) * k)),
      effectiveNeurons: loc.effectiveNeurons[c],
    })),
  };
}

/** Top neurons per class at a weight-mass share (NeuroX percentage), and how much classes share them. */
export function classExclusivity(full: FullProbe, classNames?: string[], percentage = 0.5): ExclusivityResult {
  const { classes, neurons } = full.result;
  const top = topNeurons(full.ranking, classes, neurons, percentage);
  const overlap = classOverlap(top.perClass);
  const labels = names(full, classNames);
  return {
    percentage,
    classNames: labels,
    perClass: labels.map((className, c) => ({
      className,
      top: top.perClass[c].length,
      exclusive: overlap.exclusive[c].length,
      exclusiveNeurons: Array.from(overlap.exclusive[c]),
    })),
    jaccard: labels.map((_, a) => Array.from(overlap.jaccard.subarray(a * classes, (a + 1) * classes))),
  };
}
