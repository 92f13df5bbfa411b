// The ablation report: what the model loses (mean NLL or perplexity; without an LM head, how far the
// last layer boundary moves: mean 1 - cosine or mean squared change) as more neurons are zeroed in
// each ordering, the fixed masks, and what a probe keeps when only the top, random or bottom k% of
// the neurons are left (retrained) or all others are zeroed.
import type { ReportPayload } from '../../src/shared/protocol/report';
import type { AblationResult, AnyAblationResult, ExperimentsResult, LmObjectiveName, RepresentationAblationResult } from '../../src/shared/results';
import type { ChartSpec, ColourKey, Series } from '../shared/chart-spec';
import { h, type Child } from '../shared/dom';
import { baseName, fixed, int, pct, signed } from '../shared/format';
import { headline, startReport, type ReportContext, type ReportEnv } from '../shared/report-shell';

type AblationPayload = Extract<ReportPayload, { view: 'ablation' }>;

export function startAblationApp(env: ReportEnv): void {
  startReport(env, 'ablation', renderAblation);
}

const CURVE_LOOK: Record<string, { colour: ColourKey; label: string }> = {
  'lca-top': { colour: 'blue', label: 'LCA top' },
  'cca-top': { colour: 'purple', label: 'CCA top' },
  random: { colour: 'orange', label: 'random' },
  bottom: { colour: 'green', label: 'LCA bottom' },
};
const OTHER: ColourKey[] = ['red', 'yellow', 'foreground'];

export function renderAblation(report: AblationPayload, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const a = report.ablation?.result;
  const x = report.experiments?.result;
  const files = [report.ablation?.path, report.experiments?.path].filter((p): p is string => !!p);
  const model = a?.model ?? x?.source.model ?? 'activations';
  const out: Child[] = [
    h(doc, 'h1', { text: `Ablation: ${baseName(model)}` }),
    h(doc, 'p', { className: 'meta', text: files.map(baseName).join(' + ') }),
  ];
  if (a?.objective === 'representation') {
    const site = a.compared ? `${a.compared.name} (${int(a.compared.width)} units)` : 'the last layer boundary';
    const itself = a.compared && a.sites.some((s) => s.name === a.compared!.name) ? ` Zeroing units of ${a.compared.name} itself moves it directly, as expected.` : '';
    out.push(
      h(doc, 'p', {
        className: 'meta',
        text: `Change of ${site}, the last layer boundary, against the unablated model at every token of ${baseName(a.input)} (${int(a.sentences)} sentences), ${int(a.neurons)} neurons in ${a.sites.map((s) => `${s.name} ${s.width}`).join(', ')}`,
      }),
      h(doc, 'p', { className: 'meta', attrs: { 'data-objective': 'representation' }, text: `No LM loss: ${a.objectiveReason ?? 'the representation objective was asked for'}.${itself}` }),
      headline(doc, [
        { label: 'Compared site', value: a.compared?.name ?? '?', detail: a.compared ? `${int(a.compared.width)} units` : undefined },
        { label: 'Unablated', value: 'cosine 1', detail: 'change 0' },
        { label: 'Token positions', value: int(a.baseline.tokens) },
        ...(a.curve ? [{ label: 'Random draws', value: String(a.curve.randomDraws), detail: `seed ${a.curve.seed}` }] : []),
      ]),
    );
  } else if (a) {
    out.push(
      h(doc, 'p', { className: 'meta', text: `${a.objective === 'causal-lm' ? 'Next-token' : 'Masked-token'} loss on ${baseName(a.input)} (${int(a.sentences)} sentences), ${int(a.neurons)} neurons in ${a.sites.map((s) => `${s.name} ${s.width}`).join(', ')}` }),
      headline(doc, [
        { label: 'Baseline mean NLL', value: fixed(a.baseline.meanNll, 4), detail: 'nats' },
        { label: 'Baseline perplexity', value: fixed(a.baseline.perplexity, 2) },
        { label: 'Predicted tokens', value: int(a.baseline.tokens) },
        ...(a.curve ? [{ label: 'Random draws', value: String(a.curve.randomDraws), detail: `seed ${a.curve.seed}` }] : []),
      ]),
    );
  } else {
    out.push(h(doc, 'p', { className: 'meta', text: 'No ablation result with this experiments result: only the probe accuracies are shown.' }));
  }
  if (report.note) out.push(h(doc, 'p', { className: 'meta', attrs: { 'data-pairing-note': '' }, text: report.note }));
  const figures: Child[] = [];
  if (a?.curve) figures.push(a.objective === 'representation' ? changeSection(a, ctx) : lossSection(a, ctx));
  if (x?.subsets) figures.push(accuracyFigure('retrain', 'Probe retrained on k% of the neurons', x.subsets.rows, x.subsets.fullAccuracy, x, ctx, 'A new probe on the top, random or bottom k% of the neurons in the full probe\'s ordering.'));
  if (x?.zeroOut) figures.push(accuracyFigure('zero-out', 'Full probe with all but k% zeroed', x.zeroOut.rows, x.zeroOut.fullAccuracy, x, ctx, 'The full probe, evaluated with every neuron but the kept k% set to zero.'));
  if (figures.length) out.push(h(doc, 'h2', { text: a?.curve ? 'Curves' : 'Probe accuracies' }), h(doc, 'div', { className: 'figures' }, figures));
  if (a && a.masks.length) out.push(h(doc, 'h2', { text: 'Fixed masks' }), masksTable(a, ctx));
  return out;
}

/** The curves of each ordering vs % of neurons zeroed, random with a ± 1 std band, and the unablated level. */
function curveSeries<P>(
  curves: { name: string; points: P[] }[],
  value: (p: P) => number,
  band: ((p: P) => [number, number] | null) | null,
  baseline: number,
  percents: number[],
): Series[] {
  let other = 0;
  const series: Series[] = curves.map((c) => {
    const look = CURVE_LOOK[c.name] ?? { colour: OTHER[other++ % OTHER.length]!, label: c.name };
    const s: Series = { name: look.label, values: c.points.map(value), colour: look.colour };
    const edges = band ? c.points.map(band) : [];
    if (edges.some((e) => e !== null)) {
      s.band = { label: '± 1 std', low: edges.map((e) => e?.[0] ?? null), high: edges.map((e) => e?.[1] ?? null) };
    }
    return s;
  });
  series.push({ name: 'baseline', values: percents.map(() => baseline), colour: 'foreground', dashed: true });
  return series;
}

/** mean NLL or perplexity of each ordering vs % of neurons zeroed; random with a ± 1 std band. */
export function lossSpec(a: AblationResult<LmObjectiveName>, perplexity: boolean): ChartSpec {
  const curve = a.curve!;
  const y = (nll: number) => (perplexity ? Math.exp(nll) : nll);
  return {
    id: 'loss',
    type: 'line',
    title: perplexity ? 'Perplexity vs neurons ablated' : 'Mean NLL vs neurons ablated',
    xLabel: '% of neurons zeroed',
    yLabel: perplexity ? 'Perplexity' : 'Mean NLL (nats)',
    labels: curve.percents.map((p, i) => `${p.toFixed(1)}% (${curve.counts[i]})`),
    xs: curve.percents,
    series: curveSeries(
      curve.curves,
      (p) => (perplexity ? p.perplexity : p.meanNll),
      (p) => (p.std === undefined ? null : [y(p.meanNll - p.std), y(p.meanNll + p.std)]),
      perplexity ? a.baseline.perplexity : a.baseline.meanNll,
      curve.percents,
    ),
    format: (v) => (perplexity ? v.toFixed(2) : v.toFixed(4)),
    logY: perplexity,
  };
}

/**
 * Representation: mean 1 - cosine (or mean squared change) of the compared site vs % of neurons
 * zeroed; random with a ± 1 std band on 1 - cosine, whose spread over the draws the file holds.
 */
export function changeSpec(a: RepresentationAblationResult, squared: boolean): ChartSpec {
  const curve = a.curve!;
  const site = a.compared?.name ?? 'the last layer boundary';
  return {
    id: 'change',
    type: 'line',
    title: squared ? `Mean squared change of ${site} vs neurons ablated` : `Mean 1 - cosine of ${site} vs neurons ablated`,
    xLabel: '% of neurons zeroed',
    yLabel: squared ? `Mean squared change at ${site}` : `Mean 1 - cosine at ${site}`,
    labels: curve.percents.map((p, i) => `${p.toFixed(1)}% (${curve.counts[i]})`),
    xs: curve.percents,
    series: curveSeries(
      curve.curves,
      (p) => (squared ? p.meanSquaredChange : p.cosineDistance),
      squared ? null : (p) => (p.std === undefined ? null : [p.cosineDistance - p.std, p.cosineDistance + p.std]),
      squared ? a.baseline.meanSquaredChange : a.baseline.cosineDistance,
      curve.percents,
    ),
    format: (v) => v.toPrecision(4),
    yMin: 0,
  };
}

function lossSection(a: AblationResult<LmObjectiveName>, ctx: ReportContext): HTMLElement {
  const perplexity = ctx.ui.perplexity ?? false;
  return ctx.figure(lossSpec(a, perplexity), curveNote(a), toggle(ctx, 'data-perplexity', perplexity, 'Perplexity', 'Show perplexity instead of mean NLL', (on) => ({ perplexity: on })));
}

function changeSection(a: RepresentationAblationResult, ctx: ReportContext): HTMLElement {
  const squared = ctx.ui.squaredChange ?? false;
  const note = `${curveNote(a)} 1 - cosine: per token position, between the vector of ${a.compared?.name ?? 'the last layer boundary'} and the unablated model's, averaged.`;
  return ctx.figure(changeSpec(a, squared), note, toggle(ctx, 'data-squared-change', squared, 'Mean squared change', 'Show the mean squared change instead of 1 - cosine', (on) => ({ squaredChange: on })));
}

function curveNote(a: AnyAblationResult): string {
  const sources = a.curve!.curves.filter((c) => c.source).map((c) => `${CURVE_LOOK[c.name]?.label ?? c.name} from ${baseName(c.source!)}`);
  return `Neurons are zeroed inside the model in each ordering's order. ${sources.join('; ')}${sources.length ? '. ' : ''}Random: mean of ${a.curve!.randomDraws} draws.`;
}

function toggle(ctx: ReportContext, attr: string, on: boolean, label: string, title: string, patch: (on: boolean) => Partial<ReportContext['ui']>): HTMLElement {
  const { doc } = ctx;
  const box = h(doc, 'input', { attrs: { type: 'checkbox', [attr]: '', checked: on } }) as HTMLInputElement;
  box.checked = on;
  box.addEventListener('change', () => {
    ctx.saveUi(patch(box.checked));
    ctx.rerender();
  });
  return h(doc, 'label', { attrs: { title } }, [box, label]);
}

export function accuracySpec(id: string, title: string, rows: { percent: number; count: number; top: number; random: number; bottom: number }[], full: number): ChartSpec {
  return {
    id,
    type: 'line',
    title,
    xLabel: '% of neurons kept',
    yLabel: 'Probe accuracy',
    labels: rows.map((r) => `${r.percent}% (${r.count})`),
    xs: rows.map((r) => r.percent),
    series: [
      { name: 'top', values: rows.map((r) => r.top), colour: 'blue' },
      { name: 'random', values: rows.map((r) => r.random), colour: 'orange' },
      { name: 'bottom', values: rows.map((r) => r.bottom), colour: 'green' },
      { name: 'all neurons', values: rows.map(() => full), colour: 'foreground', dashed: true },
    ],
    format: (v) => pct(v),
    yMin: 0,
    yMax: 1,
  };
}

function accuracyFigure(id: string, title: string, rows: NonNullable<ExperimentsResult['subsets']>['rows'], full: number, x: ExperimentsResult, ctx: ReportContext, note: string): HTMLElement {
  return ctx.figure(accuracySpec(id, title, rows, full), `${note} Majority baseline ${pct(x.full.majorityBaseline)}.`);
}

function masksTable(a: AnyAblationResult, ctx: ReportContext): HTMLElement {
  if (a.objective === 'representation') {
    type Row = RepresentationAblationResult['masks'][number];
    const site = a.compared?.name ?? 'the last layer boundary';
    return ctx.table<Row>({
      name: 'masks',
      caption: `Fixed masks: the listed units zeroed inside the model; ${site} compared with the unablated model (unablated: change 0, cosine 1).`,
      columns: [
        { id: 'spec', label: 'Mask', value: (m) => m.spec },
        { id: 'units', label: 'Units', value: (m) => m.units, numeric: true },
        { id: 'msc', label: 'Mean squared change', value: (m) => m.meanSquaredChange, format: (v) => (v as number).toPrecision(4), numeric: true },
        { id: 'cos', label: 'Mean cosine', value: (m) => m.meanCosine, format: (v) => fixed(v as number, 4), numeric: true },
        { id: 'dist', label: '1 - cosine', value: (m) => m.cosineDistance, format: (v) => (v as number).toPrecision(4), numeric: true },
        { id: 'tokens', label: 'Positions', value: (m) => m.tokens, numeric: true },
      ],
      rows: a.masks,
    }).element;
  }
  type Row = AblationResult<LmObjectiveName>['masks'][number];
  return ctx.table<Row>({
    name: 'masks',
    caption: `Fixed masks: the listed units zeroed inside the model; baseline mean NLL ${fixed(a.baseline.meanNll, 4)}.`,
    columns: [
      { id: 'spec', label: 'Mask', value: (m) => m.spec },
      { id: 'units', label: 'Units', value: (m) => m.units, numeric: true },
      { id: 'nll', label: 'Mean NLL', value: (m) => m.meanNll, format: (v) => fixed(v as number, 4), numeric: true },
      { id: 'delta', label: 'Δ NLL', value: (m) => m.delta, format: (v) => signed(v as number, 4), numeric: true },
      { id: 'ppl', label: 'Perplexity', value: (m) => m.perplexity, format: (v) => fixed(v as number, 2), numeric: true },
      { id: 'tokens', label: 'Tokens', value: (m) => m.tokens, numeric: true },
    ],
    rows: a.masks,
  }).element;
}
