// What every report app shares: the handshake with the host (`ready`, then `report` or `error`),
// the saved state (which files, how the user left the page), error pages instead of blank ones,
// figures with a chart and its table fallback, and redrawing the charts when the theme changes.
import type { HostToReport, ReportPayload, ReportToHost, ReportUiState, ReportView, ReportViewState } from '../../src/shared/protocol/report';
import { REPORT_TITLES } from '../../src/shared/protocol/report';
import type { VsCodeApi } from '../vscode-api';
import { chartTable, type ChartHandle, type ChartRenderer, type ChartSpec, type Palette } from './chart-spec';
import { h, setHidden, type Child } from './dom';
import { baseName } from './format';
import { dataTable, type Column, type TableHandle, type TableOptions } from './table';

export interface ReportEnv {
  api: VsCodeApi<ReportViewState, ReportToHost>;
  doc: Document;
  root: HTMLElement;
  /** Where the host's messages arrive: `window` in the webview. */
  messages: EventTarget;
  charts: ChartRenderer;
  palette: () => Palette;
  /** Registers the theme-change callback (a MutationObserver on body's class in the webview). */
  onThemeChange?: (changed: () => void) => void;
}

export interface ReportContext {
  doc: Document;
  ui: ReportUiState;
  /** Merges into the UI state and saves it. */
  saveUi(patch: Partial<ReportUiState>): void;
  /** Draws the page again from the same payload (after a control changed). */
  rerender(): void;
  post(msg: ReportToHost): void;
  /** A chart with its table fallback; `controls` go in the figure's header (e.g. a unit toggle). */
  figure(spec: ChartSpec, note?: Child, controls?: Child): HTMLElement;
  table<R>(opts: TableOptions<R>): TableHandle;
  /** Called when the host reports a neuron selection. */
  onNeuronSelected(fn: (neuron: number | null) => void): void;
  /** The neuron selected in Grain, as last reported by the host. */
  selectedNeuron: number | null;
}

export type RenderReport<V extends ReportView> = (report: Extract<ReportPayload, { view: V }>, ctx: ReportContext) => Child[];

interface LiveChart {
  handle?: ChartHandle;
  spec: ChartSpec;
  canvas: HTMLElement;
}

export function startReport<V extends ReportView>(env: ReportEnv, view: V, render: RenderReport<V>): void {
  const { api, doc, root, messages } = env;
  let state: ReportViewState = api.getState()?.view === view ? api.getState()! : { view };
  let payload: Extract<ReportPayload, { view: V }> | undefined;
  let charts: LiveChart[] = [];
  let neuronListeners: ((n: number | null) => void)[] = [];
  let selectedNeuron: number | null = null;

  const save = () => api.setState(state);

  const clearCharts = () => {
    for (const c of charts) c.handle?.destroy();
    charts = [];
  };

  const show = (...children: Child[]) => {
    clearCharts();
    root.replaceChildren(h(doc, 'div', { className: 'report', attrs: { 'data-report': view } }, children));
  };

  const waiting = () =>
    show(h(doc, 'h1', { text: REPORT_TITLES[view] }), h(doc, 'p', { className: 'subtitle', text: state.path ? `Reading ${baseName(state.path)}…` : 'Waiting for a result file…' }));

  const error = (message: string, path?: string) =>
    show(
      h(doc, 'h1', { text: REPORT_TITLES[view] }),
      h(doc, 'div', { className: 'error', attrs: { role: 'alert', 'data-error': '' } }, [
        h(doc, 'strong', { text: path ? `Cannot show ${baseName(path)}` : 'Cannot show this report' }),
        h(doc, 'p', { text: message }),
        path ? h(doc, 'p', { className: 'meta', text: path }) : null,
      ]),
    );

  const draw = () => {
    if (!payload) return;
    neuronListeners = [];
    const pending: LiveChart[] = [];
    const ctx: ReportContext = {
      doc,
      ui: state.ui ?? {},
      saveUi(patch) {
        state = { ...state, ui: { ...(state.ui ?? {}), ...patch } };
        ctx.ui = state.ui!;
        save();
      },
      rerender: () => draw(),
      post: (msg) => api.postMessage(msg),
      figure: (spec, note, controls) => {
        const live = figure(doc, spec, note, controls, state.ui?.tables?.includes(spec.id) ?? false, (shown) => {
          const tables = new Set(state.ui?.tables ?? []);
          if (shown) tables.add(spec.id);
          else tables.delete(spec.id);
          ctx.saveUi({ tables: [...tables] });
        });
        pending.push(live.chart);
        return live.element;
      },
      table: (opts) => dataTable(doc, opts),
      onNeuronSelected: (fn) => neuronListeners.push(fn),
      selectedNeuron,
    };
    let children: Child[];
    try {
      children = render(payload, ctx);
    } catch (e) {
      error(`The result could not be drawn: ${(e as Error).message}`, state.path);
      return;
    }
    show(...withSkipLinks(doc, children));
    // Charts are drawn once their canvases are in the page (chart.js measures the container).
    const palette = env.palette();
    for (const c of pending) {
      try {
        c.handle = env.charts.draw(c.canvas, c.spec, palette);
      } catch (e) {
        c.canvas.replaceWith(h(doc, 'p', { className: 'error', text: `The chart could not be drawn (${(e as Error).message}); use Show table.` }));
      }
    }
    charts = pending;
  };

  env.onThemeChange?.(() => {
    const palette = env.palette();
    for (const c of charts) c.handle?.update(c.spec, palette);
  });

  messages.addEventListener('message', (event) => {
    const msg = (event as MessageEvent<HostToReport>).data;
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'report':
        if (msg.report.view !== view) return;
        payload = msg.report as Extract<ReportPayload, { view: V }>;
        state = { ...state, view, path: msg.main, companion: msg.companion };
        save();
        draw();
        return;
      case 'error':
        if (msg.view !== view) return;
        payload = undefined;
        if (msg.path) {
          state = { ...state, path: msg.path };
          save();
        }
        error(msg.message, msg.path);
        return;
      case 'neuronSelected':
        selectedNeuron = msg.neuron;
        for (const fn of neuronListeners) fn(msg.neuron);
        return;
    }
  });

  waiting();
  api.postMessage({ type: 'ready' });
}

/**
 * Links to each section (h2) after the title: a keyboard user reaches the charts without tabbing
 * through the tables before them. A link moves the focus to its heading, so the next Tab is there.
 */
function withSkipLinks(doc: Document, children: Child[]): Child[] {
  const headings = children.filter((c): c is HTMLElement => !!c && typeof c === 'object' && (c as HTMLElement).tagName?.toLowerCase() === 'h2');
  if (headings.length < 2) return children;
  const links = headings.map((heading, i) => {
    const id = `section-${i + 1}`;
    heading.id = id;
    heading.setAttribute('tabindex', '-1');
    return h(doc, 'a', {
      text: heading.textContent ?? '',
      attrs: { href: `#${id}`, 'data-skip': id },
      on: {
        click: (event) => {
          event.preventDefault();
          const target = heading as HTMLElement & { focus?: () => void; scrollIntoView?: (o?: ScrollIntoViewOptions) => void };
          target.scrollIntoView?.({ block: 'start' });
          target.focus?.();
        },
      },
    });
  });
  const nav = h(doc, 'nav', { className: 'skip-links', attrs: { 'aria-label': 'Sections of this report' } }, [h(doc, 'span', { text: 'Go to:' }), ...links]);
  const at = children.findIndex((c) => !!c && typeof c === 'object' && (c as HTMLElement).tagName?.toLowerCase() === 'h1');
  return [...children.slice(0, at + 1), nav, ...children.slice(at + 1)];
}

/** A chart with a "Show table" toggle; the table lists exactly the spec's numbers. */
function figure(
  doc: Document,
  spec: ChartSpec,
  note: Child,
  controls: Child,
  tableShown: boolean,
  toggled: (shown: boolean) => void,
): { element: HTMLElement; chart: LiveChart } {
  const canvas = h(doc, 'canvas', { attrs: { role: 'img', 'aria-label': `${spec.title} (chart; the Show table button lists its numbers)` } });
  const box = h(doc, 'div', { className: 'chart-box' }, [canvas]);
  const { header, rows } = chartTable(spec);
  const table = dataTable<string[]>(doc, {
    name: `${spec.id}-table`,
    caption: spec.title,
    columns: header.map((label, i) => ({ id: String(i), label, value: (r) => r[i] ?? null, numeric: i > 0, sortable: false }) as Column<string[]>),
    rows,
  });
  const tableBox = h(doc, 'div', { className: 'figure-table' }, [table.element]);
  const button = h(doc, 'button', { attrs: { type: 'button', 'aria-pressed': String(tableShown), 'data-toggle': spec.id } });
  const apply = (shown: boolean) => {
    button.textContent = shown ? 'Show chart' : 'Show table';
    button.setAttribute('aria-pressed', String(shown));
    setHidden(box, shown);
    setHidden(tableBox, !shown);
  };
  button.addEventListener('click', () => {
    tableShown = !tableShown;
    apply(tableShown);
    toggled(tableShown);
  });
  apply(tableShown);
  const element = h(doc, 'figure', { className: 'figure', attrs: { 'data-figure': spec.id } }, [
    h(doc, 'div', { className: 'figure-head' }, [h(doc, 'h3', { text: spec.title }), h(doc, 'div', { className: 'figure-tools' }, [controls, button])]),
    box,
    tableBox,
    note ? h(doc, 'p', { className: 'note' }, [note]) : null,
  ]);
  return { element, chart: { spec, canvas } };
}

/** A row of headline numbers. */
export function headline(doc: Document, items: { label: string; value: string; detail?: string; title?: string }[]): HTMLElement {
  return h(
    doc,
    'dl',
    { className: 'headline' },
    items.map((i) =>
      h(doc, 'div', { attrs: { title: i.title, 'data-headline': i.label } }, [
        h(doc, 'dt', { text: i.label }),
        h(doc, 'dd', {}, [i.value, i.detail ? h(doc, 'small', { text: ` ${i.detail}` }) : null]),
      ]),
    ),
  );
}
