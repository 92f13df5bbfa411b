// The ablation report: what the model loses (mean NLL or perplexity) as more neurons are zeroed in
// each ordering, the fixed masks, and what a probe keeps when only the top, random or bottom k% of
// the neurons are left (retrained) or all others are zeroed.
import type { ReportPayload } from '../../src/shared/report-protocol';
import type { AblationCurve, AblationResult, ExperimentsResult } from '../../src/shared/results';
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
  if (a) {
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
  const figures: Child[] = [];
  if (a?.curve) figures.push(lossSection(a, ctx));
  if (x?.subsets) figures.push(accuracyFigure('retrain', 'Probe retrained on k% of the neurons', x.subsets.rows, x.subsets.fullAccuracy, x, ctx, 'A new probe on the top, random or bottom k% of the neurons in the full probe\'s ordering.'));
  if (x?.zeroOut) figures.push(accuracyFigure('zero-out', 'Full probe with all but k% zeroed', x.zeroOut.rows, x.zeroOut.fullAccuracy, x, ctx, 'The full probe, evaluated with every neuron but the kept k% set to zero.'));
  if (figures.length) out.push(h(doc, 'div', { className: 'figures' }, figures));
  if (a && a.masks.length) out.push(h(doc, 'h2', { text: 'Fixed masks' }), masksTable(a, ctx));
  return out;
}

/** mean NLL or perplexity of each ordering vs % of neurons zeroed; random with a ± 1 std band. */
export function lossSpec(a: AblationResult, perplexity: boolean): ChartSpec {
  const curve = a.curve!;
  const y = (nll: number) => (perplexity ? Math.exp(nll) : nll);
  let other = 0;
  const series: Series[] = curve.curves.map((c: AblationCurve) => {
    const look = CURVE_LOOK[c.name] ?? { colour: OTHER[other++ % OTHER.length]!, label: c.name };
    const s: Series = { name: look.label, values: c.points.map((p) => (perplexity ? p.perplexity : p.meanNll)), colour: look.colour };
    if (c.points.some((p) => p.std !== undefined)) {
      s.band = { label: '± 1 std', low: c.points.map((p) => y(p.meanNll - (p.std ?? 0))), high: c.points.map((p) => y(p.meanNll + (p.std ?? 0))) };
    }
    return s;
  });
  series.push({ name: 'baseline', values: curve.percents.map(() => (perplexity ? a.baseline.perplexity : a.baseline.meanNll)), colour: 'foreground', dashed: true });
  return {
    id: 'loss',
    type: 'line',
    title: perplexity ? 'Perplexity vs neurons ablated' : 'Mean NLL vs neurons ablated',
    xLabel: '% of neurons zeroed',
    yLabel: perplexity ? 'Perplexity' : 'Mean NLL (nats)',
    labels: curve.percents.map((p, i) => `${p.toFixed(1)}% (${curve.counts[i]})`),
    xs: curve.percents,
    series,
    format: (v) => (perplexity ? v.toFixed(2) : v.toFixed(4)),
    logY: perplexity,
  };
}

function lossSection(a: AblationResult, ctx: ReportContext): HTMLElement {
  const { doc } = ctx;
  const perplexity = ctx.ui.perplexity ?? false;
  const toggle = h(doc, 'input', { attrs: { type: 'checkbox', 'data-perplexity': '', checked: perplexity } }) as HTMLInputElement;
  toggle.checked = perplexity;
  toggle.addEventListener('change', () => {
    ctx.saveUi({ perplexity: toggle.checked });
    ctx.rerender();
  });
  const sources = a.curve!.curves.filter((c) => c.source).map((c) => `${CURVE_LOOK[c.name]?.label ?? c.name} from ${baseName(c.source!)}`);
  const fig = ctx.figure(
    lossSpec(a, perplexity),
    `Neurons are zeroed inside the model in each ordering's order. ${sources.join('; ')}${sources.length ? '. ' : ''}Random: mean of ${a.curve!.randomDraws} draws.`,
    h(doc, 'label', { attrs: { title: 'Show perplexity instead of mean NLL' } }, [toggle, 'Perplexity']),
  );
  return fig;
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

function masksTable(a: AblationResult, ctx: ReportContext): HTMLElement {
  type Row = AblationResult['masks'][number];
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
