import { DEFAULTS } from '../../shared/defaults';
import { neuronLabel } from '../../core/neurons';
import { runJob } from '../../jobs';
import type { RankJob, RankSettings } from '../../shared/jobs';
import { gaussianReading, RANKING_METHODS, methodTitle, type RankingMethod } from '../../shared/rankings';
import { finiteNumber, oneOf, parseFlags, positiveInt, required, UsageError } from '../args';
import { cliContext, type Out } from '../context';
import { common, dataUsage, probeInputs, probeSettings, type Flags } from './probe';

export const rankUsage = `grain rank --method probeless|iou|gaussian|clustering <labelled data> <activations> --out ranking.json [method options]
  Ranks the neurons of the activations for the labelled property by another method than the
  elastic-net probe (grain probe) and writes a ranking result (grain report, grain experiment
  --ranking, grain compare-rankings):
    probeless    class-mean differences, no training (Antverg & Belinkov 2022)
    iou          each neuron as a detector of each class: average precision of its activations,
                 |a| below --threshold as 0 (NeuroX's IoU probe; Mu & Andreas 2020)
                 [--score ap|iou] [--threshold 0.05] [--quantile 0.005 (the IoU mask's share)]
    gaussian     greedy choice under a multivariate Gaussian classifier (Torroba Hennigen et al. 2020)
                 [--max-neurons N|all (greedy steps, default 10% of the neurons; the rest follow
                 by what each would add)] [--max-rows N (words measured; default as many as
                 keep classes x words x neurons near 2^27)]
    clustering   correlation clusters, one neuron kept per cluster, a probe on the kept ones
                 (Dalvi et al. 2020) [--cluster-threshold 0.5] [--signed (1 - r, not 1 - |r|)]
  [--per-class-percent 5]: each class's top neurons (probeless, iou).
${dataUsage}`;

export function rankJobFromArgs(argv: string[]): RankJob {
  const f = parseFlags(argv, {
    ...common,
    method: { type: 'string' },
    'per-class-percent': { type: 'string', default: String(DEFAULTS.rank.perClassPercent) },
    score: { type: 'string', default: DEFAULTS.rank.iou.score },
    threshold: { type: 'string', default: String(DEFAULTS.rank.iou.threshold) },
    quantile: { type: 'string', default: String(DEFAULTS.rank.iou.quantile) },
    'max-neurons': { type: 'string' },
    'max-rows': { type: 'string' },
    'cluster-threshold': { type: 'string', default: String(DEFAULTS.rank.clustering.threshold) },
    signed: { type: 'boolean', default: false },
  }) as Flags;
  const method = oneOf('method', required(f, 'method'), RANKING_METHODS as RankingMethod[]);
  const given = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const belongs: Record<string, RankingMethod> = { score: 'iou', threshold: 'iou', quantile: 'iou', 'max-neurons': 'gaussian', 'max-rows': 'gaussian', 'cluster-threshold': 'clustering', signed: 'clustering' };
  for (const [flag, m] of Object.entries(belongs)) if (given(flag) && m !== method) throw new UsageError(`--${flag} is an option of --method ${m}, not ${method}`);
  const quantile = finiteNumber('quantile', f.quantile as string, 0, 1);
  if (quantile <= 0) throw new UsageError(`--quantile must be above 0 (got '${f.quantile as string}')`);
  const settings: RankSettings = {
    probe: probeSettings(f),
    perClassPercent: finiteNumber('per-class-percent', f['per-class-percent'] as string, 0.01, 100),
  };
  if (method === 'iou') settings.iou = { score: oneOf('score', f.score as string, ['ap', 'iou'] as const), threshold: finiteNumber('threshold', f.threshold as string, 0), quantile };
  if (method === 'gaussian') {
    const steps = f['max-neurons'] as string | undefined;
    settings.gaussian = {
      maxNeurons: steps === undefined ? null : steps === 'all' ? 'all' : positiveInt('max-neurons', steps),
      maxRows: f['max-rows'] ? positiveInt('max-rows', f['max-rows'] as string) : DEFAULTS.rank.gaussian.maxRows,
    };
  }
  if (method === 'clustering') settings.clustering = { threshold: finiteNumber('cluster-threshold', f['cluster-threshold'] as string, 0, 2), absolute: f.signed !== true };
  return { kind: 'rank', method, ...probeInputs(f), settings, out: required(f, 'out') };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function rankCommand(argv: string[], out: Out): Promise<void> {
  const job = rankJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  out.info(`${methodTitle(r.method)}: ${r.classes.length} classes, ${r.data.trainWords} train words, ${r.ordering.length} neurons ranked`);
  out.info(`top neurons: ${r.ordering.slice(0, 10).map((id) => `${id} (${neuronLabel(r.sites, id)})`).join(', ')}`);
  out.info(`top ${r.topPercent}% per site: ${r.sites.map((s, i) => `${s.name} ${r.topBySite[i]}`).join(', ')}`);
  if (r.gaussian) {
    const g = r.gaussian;
    const last = g.steps.at(-1);
    if (last) {
      const reading = gaussianReading(g.steps, r.rankedNeurons?.length ?? r.neurons);
      const peak = reading.fell ? `; highest ${reading.peakBits.toFixed(3)} bits with ${reading.peakNeurons} neurons` : '';
      out.info(`greedy steps: ${g.steps.length}; information estimate with ${last.neurons} neurons: ${last.mutualInformation.toFixed(3)} of ${g.entropyBits.toFixed(3)} bits, accuracy ${pct(last.accuracy)}, on ${g.evaluationRows} training words${peak}`);
      if (reading.note) out.info(`  (${reading.note})`);
    }
  }
  if (r.clustering) {
    const c = r.clustering;
    out.info(`${c.clusters} clusters at distance ${c.threshold}: ${c.kept.length} neurons kept, ${r.ordering.length - c.kept.length} redundant (${c.bySite.map((s) => `${s.site} ${s.redundant} of ${s.neurons}`).join(', ')})`);
    out.info(`probe on the kept neurons ${pct(c.keptProbe.accuracy)} vs on all ${pct(c.fullProbe.accuracy)}`);
  }
  out.info(`ranked in ${r.timings.rankSeconds.toFixed(2)} s (${r.timings.totalSeconds.toFixed(1)} s in all); wrote ${job.out}`);
}
