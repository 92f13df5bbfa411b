// The ranked-neurons report: headline figures of the probe (or of another ranking method), the
// sortable and filterable table of neurons in ranking order, where the top neurons lie, how many
// neurons each class needs, how much the classes' top neurons overlap, and how much the ranking
// agrees with other rankings of the same activations.
import type { ReportPayload } from '../../src/shared/protocol/report';
import { isRegression, metricLabel, type RegressionProbeResult } from '../../src/shared/results';
import type { MetricName } from '../../src/shared/jobs';
import { countBySite } from '../../src/shared/neurons';
import { gaussianReading, RANKING_METHOD_INFO } from '../../src/shared/rankings';
import type { AgreementData, RankingResult } from '../../src/shared/results';
import type { ChartSpec, ColourKey } from '../shared/chart-spec';
import { h, type Child } from '../shared/dom';
import { baseName, fixed, int, pct, shorten, signed } from '../shared/format';
import { headline, startReport, type ReportContext, type ReportEnv } from '../shared/report-shell';
import type { Column, TableHandle } from '../shared/table';
import { agreementChance, agreementSeries, classOverlap, methodRankingData, orderCaption, rankingData, rowMatches, type NeuronRow, type RankingData } from './model';

type RankingPayload = Extract<ReportPayload, { view: 'ranking' }>;

export function startRankingApp(env: ReportEnv): void {
  startReport(env, 'ranking', renderRanking);
}

export function renderRanking(report: RankingPayload, ctx: ReportContext): Child[] {
  const out = report.ranking ? renderMethod(report, ctx) : report.probe || report.experiments ? renderProbe(report, ctx) : renderAgreementOnly(report.agreement!, ctx);
  if (report.agreement) out.push(...agreementSection(report.agreement, ctx));
  return out;
}

function renderProbe(report: RankingPayload, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const probe = report.probe?.result;
  const experiments = report.experiments?.result;
  const data = rankingData(probe, experiments);
  const source = (probe ?? experiments)!.source;
  const dataSummary = (probe ?? experiments)!.data;
  const files = [report.probe?.path, report.experiments?.path].filter((p): p is string => !!p);

  const out: Child[] = [
    h(doc, 'h1', { text: `Ranked neurons: ${baseName(source.model ?? source.activations ?? 'activations')}` }),
    h(doc, 'p', { className: 'meta', text: `${data.classes.length} classes · ${int(data.rows.length)} neurons (${data.sites.map((s) => `${s.name} ${s.width}`).join(', ')}) · ${source.aggregation} subword · ${files.map(baseName).join(' + ')}` }),
    h(doc, 'p', { className: 'meta', attrs: { title: `train: ${dataSummary.train}\ntest: ${dataSummary.test}` }, text: `Train ${shorten(dataSummary.train, 60)} (${int(dataSummary.trainWords)} words) · test ${shorten(dataSummary.test, 60)} (${int(dataSummary.testWords)} words)` }),
  ];
  const task = taskLine(probe ?? experiments!);
  if (task) out.push(h(doc, 'p', { className: 'meta', attrs: { 'data-task': '' }, text: task }));
  out.push(headlineOf(report, ctx), scoringNote(probe ?? experiments!, ctx));
  const curves = curvesButton(report, ctx);
  if (curves) out.push(curves);
  out.push(h(doc, 'h2', { text: 'Neurons in ranking order' }), neuronTable(data, ctx));

  const figures: Child[] = [layerFigure(data, report, ctx)];
  if (experiments?.layerwise) figures.push(layerwiseFigure(experiments.layerwise, ctx));
  const perClass = perClassFigure(data, report, ctx);
  if (perClass) figures.push(perClass);
  if (probe && !isRegression(probe)) figures.push(classAccuracyFigure(probe.classes, probe.test.classAccuracy, probe.test.classSupport, ctx));
  out.push(h(doc, 'h2', { text: 'Where the information is' }), h(doc, 'div', { className: 'figures' }, figures));

  const overlap = classOverlap(data, experiments);
  if (overlap) out.push(h(doc, 'h2', { text: 'Class overlap of top neurons' }), overlapTable(overlap, data.topPercentage, ctx));
  return out;
}

/** What was probed, when it is more than word labels: a concept, sentences, real values, balancing. */
function taskLine(r: { data: RankingPayloadData; settings: { task?: string; balance?: boolean } }): string | undefined {
  const parts: string[] = [];
  if (r.settings.task === 'regression') parts.push('Linear regression on real-valued targets');
  if (r.data.concept) parts.push(`Concept: ${r.data.concept.description} (${int(r.data.concept.positive)} of ${int(r.data.concept.positive + r.data.concept.negative)} training words)`);
  if (r.data.sentenceLevel) parts.push(`One row per sentence: its ${r.data.sentenceLevel === 'average' ? 'average word' : `${r.data.sentenceLevel} word`}`);
  if (r.data.balance) parts.push(`balanced (train ${r.data.balance.trainAfter.map(int).join(' / ')}, test ${r.data.balance.testAfter.map(int).join(' / ')})`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

type RankingPayloadData = NonNullable<RankingPayload['probe']>['result']['data'];

/** A metric's value as the headline shows it: shares in percent, correlations to three places. */
function metricValue(metric: MetricName | undefined, v: number | null | undefined): string {
  return metric === 'matthews_corrcoef' || metric === 'pearson' || metric === 'spearman' || metric === 'pearson_and_spearman' ? fixed(v, 3) : pct(v);
}

function headlineOf(report: RankingPayload, ctx: ReportContext): HTMLElement {
  const probe = report.probe?.result;
  const x = report.experiments?.result;
  const unit = (probe ?? x)!.data.sentenceLevel ? 'sentences' : 'words';
  if (probe && isRegression(probe)) return regressionHeadline(probe, unit, ctx);
  const test = probe?.test;
  const metric = probe ? probe.settings.metric : x!.full.metric;
  const scored = metric !== undefined && metric !== 'accuracy';
  // Experiments score in their metric: full.accuracy holds it.
  const accuracy = test?.accuracy ?? (scored ? undefined : x!.full.accuracy);
  const control = probe?.control ?? x?.control ?? null;
  const items = [];
  if (accuracy !== undefined) items.push({ label: 'Test accuracy', value: pct(accuracy), detail: test ? `of ${int(test.rows)} ${unit}` : undefined });
  if (scored) {
    const value = test ? test.score : x!.full.accuracy;
    const f1 = test?.metrics && metric.includes('f1') ? ` (F1 ${test.metrics.f1Average}${test.metrics.positiveClass ? ` of ${test.metrics.positiveClass}` : ''})` : '';
    items.push({ label: `Test ${metricLabel(metric)}`, value: metricValue(metric, value), detail: `NeuroX metric ${metric}${f1}`, title: `The probe's score in NeuroX's metric '${metric}' (compute_score); every score of the experiments is in it` });
  }
  items.push(
    { label: 'Majority baseline', value: pct(test?.majorityBaseline ?? x!.full.majorityBaseline), detail: test ? `(${test.majorityClass})` : undefined },
    { label: 'Macro-F1', value: pct(test?.macroF1 ?? x!.full.macroF1) },
    control
      ? { label: 'Control selectivity', value: pct(control.selectivity), detail: `control task ${pct(control.controlAccuracy)}`, title: 'Task accuracy minus the accuracy of the same probe on a control task (Hewitt & Liang 2019): high selectivity means the neurons encode the property, not just memorize words.' }
      : { label: 'Control selectivity', value: '–', detail: 'no control task' },
  );
  if (probe) items.push({ label: 'Train accuracy', value: pct(probe.train.accuracy), detail: `of ${int(probe.train.rows)} ${unit}` });
  if (x?.minimal) items.push({ label: 'Minimal subset', value: `${int(x.minimal.count)} neurons`, detail: `${pct(x.minimal.accuracy)} ${scored ? metricLabel(metric) : 'accuracy'}`, title: `The fewest top neurons whose retrained probe stays within ${pct(x.minimal.tolerance, 1)} of the full probe` });
  return headline(ctx.doc, items);
}

/** A regression probe's headline: NeuroX's correlations and MSE against predicting the mean. */
function regressionHeadline(probe: RegressionProbeResult, unit: string, ctx: ReportContext): HTMLElement {
  const m = probe.test.metrics;
  const metric = probe.settings.metric ?? 'pearson';
  const undefinedNote = 'undefined: the predictions are constant';
  const items = [
    { label: 'Test Pearson r', value: fixed(m.pearson, 3), detail: m.pearson === null ? undefinedNote : `of ${int(probe.test.rows)} ${unit}` },
    { label: 'Test Spearman rho', value: fixed(m.spearman, 3) },
    { label: 'Test MSE', value: m.mse.toPrecision(4), detail: `predicting the mean: ${probe.test.meanBaselineMse.toPrecision(4)}`, title: 'Mean squared error of the probe, and of always predicting the training targets\' mean (the regression\'s majority baseline)' },
  ];
  if (metric === 'pearson_and_spearman') items.unshift({ label: `Test ${metricLabel(metric)}`, value: fixed(probe.test.score, 3), detail: `NeuroX metric ${metric}` });
  items.push({ label: 'Train Pearson r', value: fixed(probe.train.metrics.pearson, 3), detail: `of ${int(probe.train.rows)} ${unit}` });
  return headline(ctx.doc, items);
}

/**
 * Why the accuracy counts fewer words than the test set has: test words whose label the training
 * words never had (and classes too rare to keep) are counted in the test set but not scored.
 */
function scoringNote(r: NonNullable<RankingPayload['probe']>['result'] | NonNullable<RankingPayload['experiments']>['result'], ctx: ReportContext): Child {
  const unseen = r.data.unseenTest;
  const dropped = r.data.classFilter.dropped;
  const parts: string[] = [];
  const words = (n: number) => `${int(n)} test word${n === 1 ? '' : 's'}`;
  if (unseen.length > 0) {
    const n = unseen.reduce((sum, u) => sum + u.count, 0);
    const labels = unseen.map((u) => `${u.label} (${int(u.count)})`).join(', ');
    parts.push(`${words(n)} ${n === 1 ? 'is' : 'are'} not scored: ${unseen.length === 1 ? 'its label' : 'their labels'} ${labels} never occur${unseen.length === 1 ? 's' : ''} in the training words, so the probe cannot predict ${unseen.length === 1 ? 'it' : 'them'}.`);
  }
  if (dropped.length > 0) {
    const labels = dropped.map((d) => `${d.label} (${int(d.count)})`).join(', ');
    parts.push(
      r.data.classFilter.mode === 'drop'
        ? `Classes seen too rarely in training were left out: ${labels}.`
        : `Classes seen too rarely in training were merged into OTHER: ${labels}.`,
    );
  }
  if (parts.length === 0) return null;
  return h(ctx.doc, 'p', { className: 'meta', attrs: { 'data-scoring-note': '' }, text: parts.join(' ') });
}

/** The experiments' accuracy curves, when the experiments have subset tables. */
function curvesButton(report: RankingPayload, ctx: ReportContext): HTMLElement | undefined {
  const x = report.experiments;
  if (!x || !(x.result.subsets || x.result.zeroOut)) return undefined;
  const path = x.path;
  return h(ctx.doc, 'div', { className: 'controls' }, [
    h(ctx.doc, 'button', { className: 'action', text: 'Open accuracy curves', attrs: { type: 'button', 'data-action': 'open-curves' }, on: { click: () => ctx.post({ type: 'openReport', view: 'ablation', path }) } }),
  ]);
}

function neuronTable(data: RankingData, ctx: ReportContext, ranking?: RankingResult): HTMLElement {
  const { doc } = ctx;
  const hasWeights = data.rows[0]?.weights !== undefined;
  const described = data.rows.some((r) => r.description !== undefined);
  const classIndex = Math.min(ctx.ui.classIndex ?? 0, data.classes.length - 1);
  let filter = ctx.ui.filter ?? '';
  let table: TableHandle;
  const holder = h(doc, 'div');
  const count = h(doc, 'span', { className: 'count', attrs: { 'aria-live': 'polite', 'data-count': '' } });

  const columns = (): Column<NeuronRow>[] => {
    const cls = ctx.ui.classIndex ?? classIndex;
    const cols: Column<NeuronRow>[] = [
      { id: 'rank', label: 'Rank', value: (r) => r.rank, numeric: true },
      { id: 'neuron', label: 'Neuron', value: (r) => r.neuron, numeric: true, title: 'Id in the activations (all sites concatenated)' },
      { id: 'site', label: 'Site', value: (r) => r.site },
      { id: 'unit', label: 'Unit', value: (r) => r.unit, numeric: true },
    ];
    if (hasWeights) {
      cols.push(
        { id: 'weight', label: `Weight (class “${data.classes[cls]}”)`, value: (r) => r.weights![cls]!, format: (v) => signed(v as number, 4), numeric: true, title: `Ranking weight (probe weight x the neuron's standard deviation) for class ${data.classes[cls]}` },
        { id: 'maxAbs', label: 'max |w|', value: (r) => r.maxAbs!, format: (v) => fixed(v as number, 4), numeric: true, title: 'Largest |ranking weight| over all classes' },
        { id: 'classes', label: 'Strongest classes', value: (r) => data.classes[r.strongest![0]!]!, format: (_, r) => r.strongest!.map((c) => `${data.classes[c]} ${signed(r.weights![c]!, 3)}`).join(', '), title: 'The three classes with the largest |ranking weight|' },
      );
    }
    if (ranking) {
      cols.push({ id: 'score', label: ranking.score.unit ? `${capitalise(ranking.score.name)} (${ranking.score.unit})` : capitalise(ranking.score.name), value: (r) => r.score ?? null, format: (v) => fixed(v as number | null, 4), numeric: true, title: ranking.score.description });
      if (data.classTop.length > 0) {
        cols.push({ id: 'topOf', label: 'Top of classes', value: (r) => r.topOf!.map((c) => data.classes[c]!).join(', ') || null, format: (v) => (v === null ? '' : shorten(String(v), 40)), title: `Classes that have this neuron among their top neurons (${ranking.perClassRule ?? ''})` });
      }
    }
    cols.push({ id: 'words', label: 'Top words', value: (r) => r.words.join(', ') || null, format: (v) => (v === null ? '' : shorten(String(v), 70)), title: 'Words that activate the neuron most (NeuroX top words; only for the best neurons)' });
    if (described) {
      cols.push({ id: 'description', label: 'Description', value: (r) => r.description ?? null, format: (v) => (v === null ? '' : String(v)), title: 'What its top contexts in the training data are (words and tags), the classes whose top neurons it is among, and whether it is selective' });
    }
    return cols;
  };

  const build = () => {
    const rows = data.rows.filter((r) => rowMatches(r, filter, data.classes));
    table = ctx.table({
      name: 'neurons',
      caption: `Neurons, most important first (${ranking ? ranking.methodName : hasWeights ? 'probe ranking weights' : 'experiments ordering'})${ranking ? '' : `: ${orderCaption(data)}`}. Enter or click selects a neuron in the editor.`,
      columns: columns(),
      rows,
      sort: ctx.ui.sort,
      onSort: (sort) => ctx.saveUi({ sort }),
      key: (r) => String(r.neuron),
      selected: ctx.selectedNeuron === null ? null : String(ctx.selectedNeuron),
      onActivate: (r) => {
        table.setSelected(String(r.neuron));
        ctx.post({ type: 'selectNeuron', neuron: r.neuron });
      },
    });
    count.textContent = rows.length === data.rows.length ? `${rows.length} neurons` : `${rows.length} of ${data.rows.length} neurons`;
    holder.replaceChildren(table.element);
  };

  const search = h(doc, 'input', {
    attrs: { type: 'search', 'aria-label': 'Filter neurons', placeholder: `neuron id, layer1:37, site, class${described ? ', word or description' : ' or word'}`, value: filter, size: 34, 'data-filter': '' },
  }) as HTMLInputElement;
  search.value = filter;
  search.addEventListener('input', () => {
    filter = search.value;
    ctx.saveUi({ filter });
    build();
  });
  const controls: Child[] = [h(doc, 'label', {}, ['Filter', search])];
  if (hasWeights) {
    const select = h(
      doc,
      'select',
      { attrs: { 'aria-label': 'Class whose weights the table shows', 'data-class-select': '' } },
      data.classes.map((c, i) => h(doc, 'option', { text: c, attrs: { value: i, selected: i === classIndex } })),
    ) as HTMLSelectElement;
    select.value = String(classIndex);
    select.addEventListener('change', () => {
      ctx.saveUi({ classIndex: Number(select.value) });
      build();
    });
    controls.push(h(doc, 'label', {}, ['Weights of class', select]));
  }
  controls.push(count);
  ctx.onNeuronSelected((n) => table.setSelected(n === null ? null : String(n)));
  build();
  return h(doc, 'section', {}, [h(doc, 'div', { className: 'controls' }, controls), holder]);
}

function layerFigure(data: RankingData, report: RankingPayload, ctx: ReportContext): HTMLElement {
  const probe = report.probe?.result;
  const x = report.experiments?.result;
  const series: ChartSpec['series'] = [];
  let note: string;
  if (probe) {
    series.push({ name: `top neurons (${int(probe.topOverall.length)})`, values: probe.topBySite, colour: 'blue' });
    note = `Top neurons: the union of every class's top neurons at ${pct(data.topPercentage, 0)} of its weight mass.`;
  } else {
    const k = Math.round(data.rows.length * 0.1);
    series.push({ name: `top 10% (${k})`, values: Array.from(countBySite(data.rows.slice(0, k).map((r) => r.neuron), data.sites)), colour: 'blue' });
    note = 'Top 10% of the experiments ordering.';
  }
  if (x?.minimal) {
    series.push({ name: `minimal subset (${x.minimal.count})`, values: Array.from(countBySite(x.minimal.neurons, data.sites)), colour: 'orange' });
    note += ' Minimal subset: the fewest top neurons that keep the accuracy.';
  }
  return ctx.figure(
    { id: 'layers', type: 'bar', title: 'Top neurons per layer', xLabel: 'Site', yLabel: 'Neurons', labels: data.sites.map((s) => s.name), series, format: (v) => String(v), yMin: 0 },
    note,
  );
}

function layerwiseFigure(layerwise: NonNullable<RankingPayload['experiments']>['result']['layerwise'] & object, ctx: ReportContext): HTMLElement {
  return ctx.figure(
    {
      id: 'layerwise',
      type: 'bar',
      title: 'Probe accuracy per layer',
      xLabel: 'Site',
      yLabel: 'Accuracy',
      labels: [...layerwise.sites.map((s) => s.site), 'all layers'],
      series: [{ name: 'test accuracy', values: [...layerwise.sites.map((s) => s.accuracy), layerwise.all], colour: 'green' }],
      format: (v) => pct(v),
      yMin: 0,
      yMax: 1,
    },
    'A probe trained on the neurons of one site only, and on all of them.',
  );
}

function perClassFigure(data: RankingData, report: RankingPayload, ctx: ReportContext): HTMLElement | undefined {
  const loc = report.experiments?.result.localization;
  let spec: ChartSpec;
  let counts: number[];
  if (loc) {
    const names = loc.classes.map((c) => c.className);
    counts = loc.classes.map((c) => c.counts[0]!);
    const colours = ['blue', 'purple', 'red'] as const;
    spec = {
      id: 'per-class',
      type: 'bar',
      title: 'Neurons per class',
      xLabel: 'Class',
      yLabel: 'Neurons',
      labels: names,
      series: [
        ...loc.shares.map((share, i) => ({ name: `${pct(share, 0)} of weight mass`, values: loc.classes.map((c) => c.counts[i]!), colour: colours[i % colours.length]! })),
        { name: 'effective neurons', values: loc.classes.map((c) => Math.round(c.effectiveNeurons * 10) / 10), colour: 'yellow' as const },
      ],
      format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
      yMin: 0,
    };
  } else if (data.classTop.length > 0) {
    counts = data.classTop.map((t) => t.length);
    spec = {
      id: 'per-class',
      type: 'bar',
      title: 'Neurons per class',
      xLabel: 'Class',
      yLabel: 'Neurons',
      labels: data.classes,
      series: [{ name: `top neurons (${pct(data.topPercentage, 0)} of weight mass)`, values: counts, colour: 'blue' }],
      format: (v) => String(v),
      yMin: 0,
    };
  } else {
    return undefined;
  }
  const order = spec.labels.map((c, i) => [c, counts[i]!] as const).sort((a, b) => a[1] - b[1]);
  const few = order.slice(0, 3).map(([c, n]) => `${c} (${n})`).join(', ');
  const many = order.slice(-3).reverse().map(([c, n]) => `${c} (${n})`).join(', ');
  return ctx.figure(spec, `Most localized (fewest neurons): ${few}. Most distributed: ${many}.`);
}

function classAccuracyFigure(classes: string[], accuracy: (number | null)[], support: number[], ctx: ReportContext): HTMLElement {
  return ctx.figure(
    {
      id: 'class-accuracy',
      type: 'bar',
      title: 'Test accuracy per class',
      xLabel: 'Class',
      yLabel: 'Recall',
      labels: classes.map((c, i) => `${c} (${support[i]})`),
      series: [{ name: 'recall', values: accuracy, colour: 'green' }],
      format: (v) => pct(v, 1),
      yMin: 0,
      yMax: 1,
    },
    'Share of each class\'s test words the probe labels correctly (test words in brackets).',
  );
}

function overlapTable(o: NonNullable<ReturnType<typeof classOverlap>>, topPercentage: number, ctx: ReportContext, rule?: string): HTMLElement {
  type Row = { i: number };
  const columns: Column<Row>[] = [
    { id: 'class', label: 'Class', value: (r) => o.classes[r.i]! },
    { id: 'top', label: 'Top neurons', value: (r) => o.top[r.i]!, numeric: true },
    { id: 'exclusive', label: 'Exclusive', value: (r) => o.exclusive[r.i]!, numeric: true, title: 'Top neurons of this class that no other class has among its top neurons' },
    ...o.classes.map(
      (c, j): Column<Row> => ({
        id: `j${j}`,
        label: c,
        value: (r) => o.jaccard[r.i]![j]!,
        format: (v) => fixed(v as number, 2),
        numeric: true,
        title: `Jaccard overlap with the top neurons of ${c}`,
        heat: (r) => (r.i === j ? null : o.jaccard[r.i]![j]!),
      }),
    ),
  ];
  const t = ctx.table<Row>({
    name: 'overlap',
    caption: `Jaccard overlap of the classes' top neurons (${rule ?? `at ${pct(topPercentage, 0)} of each class's weight mass`}); darker = more shared.`,
    columns,
    rows: o.classes.map((_, i) => ({ i })),
  });
  t.element.className += ' heat';
  return t.element;
}

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** A ranking by another method than the probe (grain rank), with the experiments that followed its ordering. */
function renderMethod(report: RankingPayload, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const r = report.ranking!.result;
  const x = report.experiments?.result;
  const data = methodRankingData(r, x);
  const files = [report.ranking!.path, report.experiments?.path].filter((p): p is string => !!p);
  const info = RANKING_METHOD_INFO[r.method];
  const out: Child[] = [
    h(doc, 'h1', { text: `Ranked neurons: ${baseName(r.source.model ?? r.source.activations ?? 'activations')} · ${r.methodName}`, attrs: { 'data-method': r.method } }),
    h(doc, 'p', { className: 'meta', text: `${info.summary} · ${data.classes.length} classes · ${int(data.rows.length)} neurons ranked (${data.sites.map((s) => `${s.name} ${s.width}`).join(', ')}) · ${r.source.aggregation} subword · ${files.map(baseName).join(' + ')}` }),
    h(doc, 'p', { className: 'meta', attrs: { title: `train: ${r.data.train}\ntest: ${r.data.test}` }, text: `Train ${shorten(r.data.train, 60)} (${int(r.data.trainWords)} words) · test ${shorten(r.data.test, 60)} (${int(r.data.testWords)} words)` }),
    headline(doc, methodHeadline(r, report.experiments?.result)),
  ];
  const curves = curvesButton(report, ctx);
  if (curves) out.push(curves);
  out.push(h(doc, 'h2', { text: 'Neurons in ranking order' }), neuronTable(data, ctx, r));
  const top = `top ${r.topPercent}% (${int(r.topBySite.reduce((a, b) => a + b, 0))})`;
  const layerSeries: ChartSpec['series'] = [{ name: top, values: r.topBySite, colour: 'blue' }];
  let layerNote = `The ${top} of the ${r.methodName} ordering.`;
  if (x?.minimal) {
    layerSeries.push({ name: `minimal subset (${x.minimal.count})`, values: Array.from(countBySite(x.minimal.neurons, data.sites)), colour: 'orange' });
    layerNote += ' Minimal subset: the fewest top neurons of this ordering whose retrained probe keeps the accuracy.';
  }
  const figures: Child[] = [
    ctx.figure({ id: 'layers', type: 'bar', title: 'Top neurons per layer', xLabel: 'Site', yLabel: 'Neurons', labels: data.sites.map((s) => s.name), series: layerSeries, format: (v) => String(v), yMin: 0 }, layerNote),
  ];
  if (r.clustering) {
    const c = r.clustering;
    figures.push(
      ctx.figure(
        {
          id: 'redundancy',
          type: 'bar',
          title: 'Redundant neurons per layer',
          xLabel: 'Site',
          yLabel: 'Neurons',
          labels: c.bySite.map((b) => b.site),
          series: [
            { name: 'kept', values: c.bySite.map((b) => b.kept), colour: 'green' },
            { name: 'redundant', values: c.bySite.map((b) => b.redundant), colour: 'red' },
          ],
          format: (v) => String(v),
          yMin: 0,
        },
        `${int(c.clusters)} clusters of neurons whose activations correlate (average linkage on 1 - ${c.absolute ? '|r|' : 'r'}, cut at ${c.threshold}); one neuron kept per cluster, the others are redundant.`,
      ),
    );
  }
  if (r.gaussian && r.gaussian.steps.length > 0) {
    const g = r.gaussian;
    const reading = gaussianReading(g.steps, r.rankedNeurons?.length ?? r.neurons);
    figures.push(
      ctx.figure(
        {
          id: 'information',
          type: 'line',
          title: 'Information of the chosen neurons',
          xLabel: 'Neurons chosen',
          yLabel: 'Bits',
          labels: g.steps.map((st) => String(st.neurons)),
          xs: g.steps.map((st) => st.neurons),
          series: [
            { name: 'mutual information', values: g.steps.map((st) => st.mutualInformation), colour: 'blue' },
            { name: 'entropy of the labels', values: g.steps.map(() => g.entropyBits), colour: 'foreground', dashed: true },
          ],
          format: (v) => v.toFixed(3),
          yMin: Math.min(0, ...g.steps.map((st) => st.mutualInformation)),
        },
        `Each greedy step adds the neuron that gives the highest estimate of the information between the labels and the Gaussian classifier's posterior (NeuroX's, on ${int(g.evaluationRows)} training words).${reading.fell ? ` The estimate is highest with ${reading.peakNeurons} neurons (${reading.peakBits.toFixed(3)} bits).` : ''}${reading.note ? ` Why: ${reading.note}.` : ''}`,
      ),
    );
  }
  out.push(h(doc, 'h2', { text: 'Where the information is' }), h(doc, 'div', { className: 'figures' }, figures));
  const overlap = classOverlap(data);
  if (overlap && data.classTop.some((t) => t.length > 0)) {
    out.push(h(doc, 'h2', { text: 'Class overlap of top neurons' }), overlapTable(overlap, data.topPercentage, ctx, r.perClassRule ?? undefined));
  }
  return out;
}

function methodHeadline(r: RankingResult, x?: NonNullable<RankingPayload['experiments']>['result']): { label: string; value: string; detail?: string; title?: string }[] {
  const info = RANKING_METHOD_INFO[r.method];
  const items: { label: string; value: string; detail?: string; title?: string }[] = [{ label: 'Method', value: info.name, detail: info.source, title: info.summary }];
  const row = x?.subsets?.rows.find((w) => w.percent === 10) ?? x?.subsets?.rows[0];
  if (row) {
    items.push({ label: `Top ${row.percent}% retrained`, value: pct(row.top), detail: `random ${pct(row.random)}, bottom ${pct(row.bottom)}`, title: `A probe retrained on the top ${row.percent}% (${row.count}) of this ordering, on a random ${row.percent}% and on the bottom ${row.percent}%` });
    items.push({ label: 'All neurons', value: pct(x!.full.accuracy), detail: `probe on ${int(x!.full.neurons)}` });
  }
  if (x?.minimal) items.push({ label: 'Minimal subset', value: `${int(x.minimal.count)} neurons`, detail: `${pct(x.minimal.accuracy)} accuracy`, title: `The fewest top neurons of this ordering whose retrained probe stays within ${pct(x.minimal.tolerance, 1)} of the full probe` });
  if (r.clustering) {
    const c = r.clustering;
    items.push({ label: 'Kept neurons', value: `${int(c.kept.length)} of ${int(r.ordering.length)}`, detail: `${int(c.clusters)} clusters` });
    items.push({ label: 'Probe on kept', value: pct(c.keptProbe.accuracy), detail: `all neurons ${pct(c.fullProbe.accuracy)}` });
  }
  const last = r.gaussian?.steps.at(-1);
  if (last) {
    const reading = gaussianReading(r.gaussian!.steps, r.rankedNeurons?.length ?? r.neurons);
    const peak = reading.fell ? `; highest ${reading.peakBits.toFixed(3)} with ${reading.peakNeurons}` : '';
    const why = reading.note ? `. The ${reading.note}` : '';
    items.push({ label: 'Information estimate', value: `${last.mutualInformation.toFixed(3)} bits`, detail: `of ${r.gaussian!.entropyBits.toFixed(3)}, ${last.neurons} neurons${peak}`, title: `Greedy steps taken: ${r.gaussian!.steps.length}; training words measured: ${r.gaussian!.evaluationRows}${why}` });
  }
  items.push({ label: 'Ranked in', value: `${r.timings.rankSeconds.toFixed(1)} s`, detail: r.score.name, title: r.score.description });
  return items;
}

const PAIR_COLOURS: ColourKey[] = ['blue', 'red', 'green', 'orange', 'purple', 'yellow'];

/** An agreement file on its own: which rankings, then the agreement section. */
function renderAgreementOnly(a: AgreementData & { path?: string }, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  return [
    h(doc, 'h1', { text: `Ranking agreement: ${a.rankings.length} rankings` }),
    h(doc, 'p', { className: 'meta', text: `${int(a.neurons)} neurons ranked (${a.sites.map((s, i) => `${s.name} ${a.siteNeurons[i]}`).join(', ')})${a.path ? ` · ${baseName(a.path)}` : ''}` }),
  ];
}

/** How much the rankings' top k% agree, k = 1..50, overall or within one site, with the chance line and its table. */
function agreementSection(a: AgreementData, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const known = new Set(a.sites.map((s) => s.name));
  const site = ctx.ui.agreementSite && known.has(ctx.ui.agreementSite) ? ctx.ui.agreementSite : '';
  const letter = (i: number) => String.fromCharCode(65 + i);
  const series: ChartSpec['series'] = agreementSeries(a, site || undefined).map((x, i) => ({ name: x.name, values: x.values, colour: PAIR_COLOURS[i % PAIR_COLOURS.length]! }));
  series.push({ name: 'chance', values: agreementChance(a, site || undefined), colour: 'foreground', dashed: true });
  const select = h(
    doc,
    'select',
    { attrs: { 'aria-label': 'Neurons compared', 'data-agreement-site': '' } },
    [h(doc, 'option', { text: 'All neurons', attrs: { value: '', selected: site === '' } }), ...a.sites.map((s, i) => h(doc, 'option', { text: `${s.name} (${a.siteNeurons[i]})`, attrs: { value: s.name, selected: s.name === site } }))],
  ) as HTMLSelectElement;
  select.value = site;
  select.addEventListener('change', () => {
    ctx.saveUi({ agreementSite: select.value });
    ctx.rerender();
  });
  const at10 = a.percents.indexOf(10);
  const pairs = a.pairs.map((p) => `${letter(p.a)}–${letter(p.b)} ${pct((site ? p.bySite[a.sites.findIndex((s) => s.name === site)] : p.overall)?.[at10], 0)}`);
  const note = at10 >= 0 ? `At the top 10%: ${pairs.join(', ')} of the neurons shared (chance ${pct(agreementChance(a, site || undefined)[at10], 0)}).` : undefined;
  return [
    h(doc, 'h2', { text: 'Agreement with other rankings' }),
    h(
      doc,
      'ul',
      { className: 'meta', attrs: { 'data-rankings': '' } },
      a.rankings.map((r, i) => h(doc, 'li', { text: `${letter(i)}: ${baseName(r.path)} (${r.methodName})`, attrs: { title: r.path } })),
    ),
    ctx.figure(
      {
        id: 'agreement',
        type: 'line',
        title: site ? `Shared top neurons within ${site}` : 'Shared top neurons',
        xLabel: 'Top k% of neurons',
        yLabel: 'Share of the top k% in both',
        labels: a.percents.map((p) => `${p}%`),
        xs: a.percents,
        series,
        format: (v) => pct(v, 1),
        yMin: 0,
        yMax: 1,
      },
      note,
      h(doc, 'label', {}, ['Neurons', select]),
    ),
  ];
}
