// The ranked-neurons report: headline figures of the probe, the sortable and filterable table of
// neurons in ranking order, where the top neurons lie, how many neurons each class needs, and how
// much the classes' top neurons overlap.
import type { ReportPayload } from '../../src/shared/protocol/report';
import { isRegression, metricLabel, type RegressionProbeResult } from '../../src/shared/results';
import type { MetricName } from '../../src/shared/jobs';
import { countBySite } from '../../src/shared/neurons';
import type { ChartSpec } from '../shared/chart-spec';
import { h, type Child } from '../shared/dom';
import { baseName, fixed, int, pct, shorten, signed } from '../shared/format';
import { headline, startReport, type ReportContext, type ReportEnv } from '../shared/report-shell';
import type { Column, TableHandle } from '../shared/table';
import { classOverlap, orderCaption, rankingData, rowMatches, type NeuronRow, type RankingData } from './model';

type RankingPayload = Extract<ReportPayload, { view: 'ranking' }>;

export function startRankingApp(env: ReportEnv): void {
  startReport(env, 'ranking', renderRanking);
}

export function renderRanking(report: RankingPayload, ctx: ReportContext): Child[] {
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
  if (report.experiments && (experiments?.subsets || experiments?.zeroOut)) {
    const path = report.experiments.path;
    out.push(
      h(doc, 'div', { className: 'controls' }, [
        h(doc, 'button', { className: 'action', text: 'Open accuracy curves', attrs: { type: 'button', 'data-action': 'open-curves' }, on: { click: () => ctx.post({ type: 'openReport', view: 'ablation', path }) } }),
      ]),
    );
  }
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

function neuronTable(data: RankingData, ctx: ReportContext): HTMLElement {
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
      caption: `Neurons, most important first (${hasWeights ? 'probe ranking weights' : 'experiments ordering'}): ${orderCaption(data)}. Enter or click selects a neuron in the editor.`,
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

function overlapTable(o: NonNullable<ReturnType<typeof classOverlap>>, topPercentage: number, ctx: ReportContext): HTMLElement {
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
    caption: `Jaccard overlap of the classes' top neurons (at ${pct(topPercentage, 0)} of each class's weight mass); darker = more shared.`,
    columns,
    rows: o.classes.map((_, i) => ({ i })),
  });
  t.element.className += ' heat';
  return t.element;
}
