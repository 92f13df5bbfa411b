// What a report chart shows, independent of the drawing library: the chart.js renderer draws it
// and the "Show table" fallback lists the very same numbers.

export type ColourKey = 'blue' | 'red' | 'green' | 'yellow' | 'orange' | 'purple' | 'foreground';

export interface Series {
  name: string;
  values: (number | null)[];
  colour: ColourKey;
  /** A shaded band around the line (e.g. ± one standard deviation over random draws). */
  band?: { low: (number | null)[]; high: (number | null)[]; label: string };
  dashed?: boolean;
}

export interface ChartSpec {
  /** Stable id (state of the table toggle, data-figure). */
  id: string;
  type: 'bar' | 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  /** x of each point: category labels (bar) or labels of numeric xs (line). */
  labels: string[];
  /** Numeric x positions for line charts (a linear axis). */
  xs?: number[];
  series: Series[];
  /** Formats the numbers of the table fallback and the tooltips. */
  format: (v: number) => string;
  yMin?: number;
  yMax?: number;
  /** A logarithmic y axis. */
  logY?: boolean;
}

export interface Palette {
  foreground: string;
  grid: string;
  colours: Record<ColourKey, string>;
  /** The same colours, translucent, for bands and bar fills. */
  translucent: Record<ColourKey, string>;
}

export interface ChartHandle {
  update(spec: ChartSpec, palette: Palette): void;
  destroy(): void;
}

/** Draws a spec on a canvas; chart.js in the webview, a recorder in tests. */
export interface ChartRenderer {
  draw(canvas: HTMLElement, spec: ChartSpec, palette: Palette): ChartHandle;
}

/** The table fallback's header and rows: one row per x, one column per series (and band edge). */
export function chartTable(spec: ChartSpec): { header: string[]; rows: string[][] } {
  const header = [spec.xLabel];
  for (const s of spec.series) {
    header.push(s.name);
    if (s.band) header.push(`${s.name} ${s.band.label} low`, `${s.name} ${s.band.label} high`);
  }
  const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : spec.format(v));
  const rows = spec.labels.map((label, i) => {
    const row = [label];
    for (const s of spec.series) {
      row.push(cell(s.values[i]));
      if (s.band) row.push(cell(s.band.low[i]), cell(s.band.high[i]));
    }
    return row;
  });
  return { header, rows };
}
