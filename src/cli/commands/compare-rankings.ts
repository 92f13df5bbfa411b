import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { GrainError } from '../../core/errors';
import { writeJsonAtomic } from '../../core/io/atomic';
import { checkOutputPath } from '../../core/io/output-guard';
import { readResult } from '../../results/read';
import { agreementOf, isRankingFile, type RankingFile } from '../../results/rankings';
import { header, type AgreementResult } from '../../shared/results';
import { GRAIN_VERSION } from '../../shared/version';
import { UsageError } from '../args';
import type { Out } from '../context';

export const compareRankingsUsage = `grain compare-rankings A.json B.json [MORE.json ...] [--out agreement.json]
  How much rankings of the same activations agree: for k = 1..50%, the share of one ranking's top
  k% of neurons that is in the other's top k% (each pair, their mean, and per site), against the
  k% two random rankings share. Rankings: probe results (grain probe) and ranking results
  (grain rank) of the same model or activations, sites and training words; others are refused.`;

/** The k the printed table shows (the file holds 1..50). */
const SHOWN = [1, 2, 5, 10, 15, 20, 25, 30, 40, 50];

export async function compareRankingsCommand(argv: string[], out: Out): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length < 2) throw new UsageError('give two or more ranking files (probe or ranking results)');
  if (values.out !== undefined) checkOutputPath(values.out, { files: positionals, models: [] });
  const files: RankingFile[] = positionals.map((p) => {
    const r = readResult(p);
    if (!isRankingFile(r)) throw new GrainError(`a ${r.kind} result is not a ranking; give probe results (grain probe) or ranking results (grain rank)`, { file: p });
    return r;
  });
  const a = agreementOf(files);
  const first = files[0].result;
  const names = files.map((f, i) => `${String.fromCharCode(65 + i)} = ${basename(f.path)} (${a.rankings[i].methodName})`);
  for (const n of names) out.info(n);
  out.info(`${a.neurons} neurons ranked (${a.sites.map((s, i) => `${s.name} ${a.siteNeurons[i]}`).join(', ')})`);
  const pairName = (p: { a: number; b: number }) => `${String.fromCharCode(65 + p.a)}-${String.fromCharCode(65 + p.b)}`;
  const cols = [...a.pairs.map(pairName), ...(a.pairs.length > 1 ? ['mean'] : []), 'chance'];
  const cell = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(8);
  out.info(`\ntop k%  neurons ${cols.map((c) => c.padStart(8)).join('')}`);
  for (const k of SHOWN) {
    const i = a.percents.indexOf(k);
    if (i < 0) continue;
    const row = [...a.pairs.map((p) => p.overall[i]), ...(a.pairs.length > 1 ? [a.mean[i]] : []), a.chance[i]];
    out.info(`${String(k).padStart(5)}%  ${String(a.counts[i]).padStart(7)} ${row.map(cell).join('')}`);
  }
  const at10 = a.percents.indexOf(10);
  if (at10 >= 0 && a.sites.length > 1) {
    out.info(`\nper site, top 10% of its neurons:`);
    a.sites.forEach((s, si) => {
      if (a.siteNeurons[si] === 0) return;
      const row = a.pairs.map((p) => p.bySite[si]?.[at10] ?? NaN);
      out.info(`${s.name.padEnd(14)} ${row.map(cell).join('')}`);
    });
  }
  if (values.out !== undefined) {
    const result: AgreementResult = {
      ...header('agreement', GRAIN_VERSION),
      source: first.source,
      data: { train: first.data.train, trainSentences: first.data.trainSentences, trainWords: first.data.trainWords },
      ...a,
    };
    writeJsonAtomic(values.out, result);
    out.info(`\nwrote ${values.out}`);
  }
}
