// The chart.js renderer of ChartSpecs. Only the controllers the reports use are registered (smaller
// bundles); no animation (charts are redrawn on theme changes and must look settled at once).
// chart.js sets canvas sizes through the CSSOM, which a strict CSP allows, and never evals.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import type { ChartHandle, ChartRenderer, ChartSpec, Palette } from './chart-spec';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Filler, Legend, Tooltip);

const BAND = '\u0000band';

/** A value, a gap (null), or a point of a line over numeric x. */
type DataPoint = number | null | { x: number; y: number | null };
type Config = ChartConfiguration<'line' | 'bar', DataPoint[]>;

function config(spec: ChartSpec, palette: Palette): Config {
  const datasets: ChartDataset<'line' | 'bar', DataPoint[]>[] = [];
  const line = spec.type === 'line';
  const at = (values: (number | null)[]): DataPoint[] => (line && spec.xs ? values.map((y, i) => ({ x: spec.xs![i], y })) : values);
  for (const s of spec.series) {
    const colour = palette.colours[s.colour];
    if (s.band && line) {
      // Two invisible edges; the upper one fills down to the lower one.
      datasets.push({ type: 'line', label: `${BAND}low`, data: at(s.band.low), borderWidth: 0, pointRadius: 0, fill: false });
      datasets.push({ type: 'line', label: `${BAND}${s.name} ${s.band.label}`, data: at(s.band.high), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: palette.translucent[s.colour] });
    }
    datasets.push(
      line
        ? { type: 'line', label: s.name, data: at(s.values), borderColor: colour, backgroundColor: colour, borderDash: s.dashed ? [6, 4] : [], pointRadius: s.dashed ? 0 : 3, borderWidth: 2, fill: false, spanGaps: true }
        : { type: 'bar', label: s.name, data: s.values, backgroundColor: palette.translucent[s.colour], borderColor: colour, borderWidth: 1 },
    );
  }
  const axisTitle = (text: string) => ({ display: true, text, color: palette.foreground });
  return {
    type: spec.type,
    data: { labels: line && spec.xs ? undefined : spec.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: palette.foreground,
      interaction: { mode: line ? 'nearest' : 'index', intersect: false },
      plugins: {
        legend: { labels: { color: palette.foreground, filter: (item) => !String(item.text).startsWith(BAND) } },
        tooltip: {
          filter: (item) => !String(item.dataset.label).startsWith(BAND),
          callbacks: { label: (item) => `${item.dataset.label}: ${spec.format(item.parsed.y as number)}` },
        },
      },
      scales: {
        x: {
          type: line && spec.xs ? 'linear' : 'category',
          title: axisTitle(spec.xLabel),
          ticks: { color: palette.foreground },
          grid: { color: palette.grid },
        },
        y: {
          type: spec.logY ? 'logarithmic' : 'linear',
          min: spec.yMin,
          max: spec.yMax,
          title: axisTitle(spec.yLabel),
          ticks: { color: palette.foreground },
          grid: { color: palette.grid },
        },
      },
    },
  } as Config;
}

export const chartJsRenderer: ChartRenderer = {
  draw(canvas: HTMLElement, spec: ChartSpec, palette: Palette): ChartHandle {
    const chart = new Chart(canvas as HTMLCanvasElement, config(spec, palette));
    return {
      update(next, p) {
        const c = config(next, p);
        chart.data = c.data;
        chart.options = c.options ?? {};
        chart.update('none');
      },
      destroy: () => chart.destroy(),
    };
  },
};
