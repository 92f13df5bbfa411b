// The cross-model correlation report: how strongly each model's neurons have a counterpart in the
// other models (MaxCorr per layer, as histograms and summaries), layer-by-layer CKA between every
// pair of models, and the neurons with the strongest partners.
import type { ReportPayload } from '../../src/shared/protocol/report';
import type { CorrelationResult } from '../../src/shared/results';
import type { ChartSpec, ColourKey } from '../shared/chart-spec';
import { h, type Child } from '../shared/dom';
import { baseName, fixed, int, signed } from '../shared/format';
import { neuronLabel, type SiteWidth } from '../../src/shared/neurons';
import { headline, startReport, type ReportContext, type ReportEnv } from '../shared/report-shell';
import type { Column } from '../shared/table';

type CorrelationPayload = Extract<ReportPayload, { view: 'correlation' }>;
const SITE_COLOURS: ColourKey[] = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

export function startCorrelationApp(env: ReportEnv): void {
  startReport(env, 'correlation', renderCorrelation);
}

export function renderCorrelation(report: CorrelationPayload, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const c = report.correlation.result;
  const names = c.models.map(baseName);
  const m = Math.min(Math.max(0, ctx.ui.model ?? 0), c.perModel.length - 1);
  const model = c.perModel[m]!;

  const select = h(
    doc,
    'select',
    { attrs: { 'aria-label': 'Model', 'data-model-select': '' } },
    c.perModel.map((p, i) => h(doc, 'option', { text: p.name, attrs: { value: i, selected: i === m } })),
  ) as HTMLSelectElement;
  select.value = String(m);
  select.addEventListener('change', () => {
    ctx.saveUi({ model: Number(select.value) });
    ctx.rerender();
  });

  const meanMax = model.maxCorr.reduce((s, v) => s + v, 0) / model.maxCorr.length;
  const out: Child[] = [
    h(doc, 'h1', { text: `Cross-model correlation: ${names.join(', ')}` }),
    h(doc, 'p', { className: 'meta', text: `${int(c.rows)} words of ${baseName(c.input)} · ${int(c.neurons)} neurons per model (${c.sites.map((s) => `${s.name} ${s.width}`).join(', ')}) · ${baseName(report.correlation.path)}` }),
    headline(doc, [
      { label: 'Models', value: String(c.models.length) },
      { label: 'Neurons per model', value: int(c.neurons) },
      { label: 'Words', value: int(c.rows) },
      { label: 'Constant neurons', value: int(c.constantNeurons) },
      { label: `Mean MaxCorr (${model.name})`, value: fixed(meanMax, 3) },
    ]),
    h(doc, 'div', { className: 'controls' }, [h(doc, 'label', {}, ['Model', select])]),
    h(doc, 'h2', { text: `MaxCorr per layer: ${model.name}` }),
    siteTable(c, m, ctx),
    h(doc, 'div', { className: 'figures' }, [ctx.figure(histogramSpec(c, m), 'MaxCorr of a neuron: its strongest |Pearson r| with any neuron of any other model. Constant neurons are left out.'), ctx.figure(meanSpec(c), 'Mean MaxCorr of each site in each model.')]),
    h(doc, 'h2', { text: 'Layer-by-layer CKA' }),
    ...c.cka.map((k) => ckaTable(c, k, ctx)),
    h(doc, 'h2', { text: `Top shared neurons: ${model.name}` }),
    sharedTable(c, m, ctx),
  ];
  return out;
}

export function histogramSpec(c: CorrelationResult, m: number): ChartSpec {
  const sites = c.perModel[m]!.sites;
  const bins = sites[0]?.maxCorrHistogram.length ?? 0;
  const labels = Array.from({ length: bins }, (_, b) => `${(b / bins).toFixed(2)}–${((b + 1) / bins).toFixed(2)}`);
  return {
    id: 'maxcorr-histogram',
    type: 'bar',
    title: `MaxCorr distribution per layer (${c.perModel[m]!.name})`,
    xLabel: 'MaxCorr',
    yLabel: 'Neurons',
    labels,
    series: sites.map((s, i) => ({ name: s.site, values: s.maxCorrHistogram, colour: SITE_COLOURS[i % SITE_COLOURS.length]! })),
    format: (v) => String(v),
    yMin: 0,
  };
}

export function meanSpec(c: CorrelationResult): ChartSpec {
  return {
    id: 'maxcorr-mean',
    type: 'bar',
    title: 'Mean MaxCorr per layer and model',
    xLabel: 'Site',
    yLabel: 'Mean MaxCorr',
    labels: c.sites.map((s) => s.name),
    series: c.perModel.map((p, i) => ({ name: p.name, values: p.sites.map((s) => s.meanMaxCorr), colour: SITE_COLOURS[i % SITE_COLOURS.length]! })),
    format: (v) => v.toFixed(3),
    yMin: 0,
    yMax: 1,
  };
}

function siteTable(c: CorrelationResult, m: number, ctx: ReportContext): HTMLElement {
  type Row = CorrelationResult['perModel'][number]['sites'][number];
  const f3 = (v: unknown) => fixed(v as number, 3);
  return ctx.table<Row>({
    name: 'sites',
    caption: `Per-site MaxCorr and MinCorr of ${c.perModel[m]!.name} (MinCorr: the weakest of its best matches over the other models).`,
    columns: [
      { id: 'site', label: 'Site', value: (s) => s.site },
      { id: 'width', label: 'Neurons', value: (s) => s.width, numeric: true },
      { id: 'meanMax', label: 'Mean MaxCorr', value: (s) => s.meanMaxCorr, format: f3, numeric: true },
      { id: 'medianMax', label: 'Median MaxCorr', value: (s) => s.medianMaxCorr, format: f3, numeric: true },
      { id: 'meanMin', label: 'Mean MinCorr', value: (s) => s.meanMinCorr, format: f3, numeric: true },
      { id: 'medianMin', label: 'Median MinCorr', value: (s) => s.medianMinCorr, format: f3, numeric: true },
      { id: 'constant', label: 'Constant', value: (s) => s.constant, numeric: true },
    ],
    rows: c.perModel[m]!.sites,
  }).element;
}

function ckaTable(c: CorrelationResult, k: CorrelationResult['cka'][number], ctx: ReportContext): HTMLElement {
  const a = c.perModel[k.modelA]?.name ?? `model ${k.modelA}`;
  const b = c.perModel[k.modelB]?.name ?? `model ${k.modelB}`;
  const n = k.sites.length;
  type Row = { s: number };
  const columns: Column<Row>[] = [
    { id: 'site', label: `${a} \\ ${b}`, value: (r) => k.sites[r.s]!, sortable: false },
    ...k.sites.map((t, j): Column<Row> => ({
      id: `t${j}`,
      label: t,
      value: (r) => k.cka[r.s * n + j]!,
      format: (v) => fixed(v as number, 3),
      numeric: true,
      sortable: false,
      heat: (r) => k.cka[r.s * n + j]!,
    })),
  ];
  const t = ctx.table<Row>({
    name: `cka-${k.modelA}-${k.modelB}`,
    caption: `Linear CKA: rows are sites of ${a}, columns sites of ${b} (1 = the same representation up to rotation and scale).`,
    columns,
    rows: k.sites.map((_, s) => ({ s })),
  });
  t.element.className += ' heat';
  return t.element;
}

function sharedTable(c: CorrelationResult, m: number, ctx: ReportContext): HTMLElement {
  const sites: SiteWidth[] = c.sites;
  type Row = CorrelationResult['perModel'][number]['topShared'][number] & { rank: number };
  return ctx.table<Row>({
    name: 'shared',
    caption: `Neurons of ${c.perModel[m]!.name} with the strongest counterpart in another model (|r|, best first).`,
    columns: [
      { id: 'rank', label: 'Rank', value: (r) => r.rank, numeric: true },
      { id: 'neuron', label: 'Neuron', value: (r) => r.neuron, numeric: true },
      { id: 'where', label: 'Site:unit', value: (r) => neuronLabel(sites, r.neuron) },
      { id: 'partnerModel', label: 'Partner model', value: (r) => c.perModel[r.partnerModel]?.name ?? String(r.partnerModel) },
      { id: 'partnerNeuron', label: 'Partner neuron', value: (r) => r.partnerNeuron, numeric: true },
      { id: 'partnerWhere', label: 'Partner site:unit', value: (r) => neuronLabel(sites, r.partnerNeuron) },
      { id: 'r', label: 'r', value: (r) => r.r, format: (v) => signed(v as number, 4), numeric: true, title: 'Signed Pearson correlation' },
      { id: 'maxcorr', label: 'MaxCorr', value: (r) => c.perModel[m]!.maxCorr[r.neuron]!, format: (v) => fixed(v as number, 4), numeric: true },
    ],
    rows: c.perModel[m]!.topShared.map((s, i) => ({ ...s, rank: i + 1 })),
    sort: ctx.ui.sort,
    onSort: (sort) => ctx.saveUi({ sort }),
  }).element;
}
