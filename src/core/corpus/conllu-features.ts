import type { ConlluColumn } from './conllu';
import { splitLines } from '../text';

/** A column a CoNLL-U file offers as labels, with what it would make of them. */
export interface ConlluLabelColumn {
  column: ConlluColumn;
  /** Distinct labels (classes), `_` (a word without the feature) included. */
  classes: number;
  /** Words that have a value other than `_`. */
  labelled: number;
  /** The most frequent labels, most frequent first. */
  top: string[];
}

/**
 * What each label column of a CoNLL-U text holds: UPOS, XPOS, the whole FEATS bundles, and every
 * single feature (`feats:Number`, ...) that occurs, so a user can pick Number rather than the
 * bundles ("Case=Nom|Number=Plur|..." as classes). Lenient: lines that are not words are skipped.
 */
export function conlluLabelColumns(text: string): ConlluLabelColumn[] {
  const counts = new Map<ConlluColumn, Map<string, number>>();
  const add = (column: ConlluColumn, value: string) => {
    let m = counts.get(column);
    if (!m) counts.set(column, (m = new Map()));
    m.set(value, (m.get(value) ?? 0) + 1);
  };
  const features = new Set<string>();
  const rows: string[] = [];
  for (const line of splitLines(text)) {
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (cols.length !== 10 || !/^\d+$/.test(cols[0])) continue;
    add('upos', cols[3]);
    add('xpos', cols[4]);
    add('feats', cols[5]);
    rows.push(cols[5]);
    if (cols[5] !== '_') for (const pair of cols[5].split('|')) if (pair.indexOf('=') > 0) features.add(pair.slice(0, pair.indexOf('=')));
  }
  const names = [...features].sort((a, b) => a.localeCompare(b));
  for (const feats of rows) {
    const values = new Map(feats === '_' ? [] : feats.split('|').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
    for (const name of names) add(`feats:${name}`, values.get(name) ?? '_');
  }
  const order: ConlluColumn[] = ['upos', 'xpos', 'feats', ...names.map((n) => `feats:${n}` as ConlluColumn)];
  return order.flatMap((column) => {
    const m = counts.get(column);
    if (!m) return [];
    const sorted = [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const labelled = sorted.filter(([v]) => v !== '_').reduce((n, [, c]) => n + c, 0);
    return [{ column, classes: m.size, labelled, top: sorted.filter(([v]) => v !== '_').slice(0, 6).map(([v]) => v) }];
  });
}
