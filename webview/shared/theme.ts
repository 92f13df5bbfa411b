// Chart colours from the theme: VS Code's --vscode-charts-* variables, resolved to rgb() through a
// probe element (canvas needs concrete colours), re-read when the theme changes.
import type { ColourKey, Palette } from './chart-spec';

const VARS: Record<ColourKey, string> = {
  blue: '--vscode-charts-blue',
  red: '--vscode-charts-red',
  green: '--vscode-charts-green',
  yellow: '--vscode-charts-yellow',
  orange: '--vscode-charts-orange',
  purple: '--vscode-charts-purple',
  foreground: '--vscode-charts-foreground',
};

/** Reads the palette from computed styles (theme variables only, with --vscode-foreground as fallback). */
export function readPalette(doc: Document): Palette {
  const probe = doc.createElement('span');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.display = 'none';
  doc.body.append(probe);
  const resolve = (variable: string, fallback: string): string => {
    probe.style.color = '';
    probe.style.color = `var(${variable}, var(${fallback}))`;
    return getComputedStyle(probe).color || 'rgb(128, 128, 128)';
  };
  const colours = {} as Record<ColourKey, string>;
  const translucent = {} as Record<ColourKey, string>;
  for (const [key, variable] of Object.entries(VARS) as [ColourKey, string][]) {
    colours[key] = resolve(variable, '--vscode-foreground');
    translucent[key] = withAlpha(colours[key], 0.25);
  }
  const palette: Palette = {
    foreground: resolve('--vscode-foreground', '--vscode-editor-foreground'),
    grid: withAlpha(resolve('--vscode-charts-lines', '--vscode-foreground'), 0.35),
    colours,
    translucent,
  };
  probe.remove();
  return palette;
}

/** rgb(r, g, b) or rgba(...) with a new alpha. */
export function withAlpha(colour: string, alpha: number): string {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(colour);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : colour;
}

/** Calls `changed` when VS Code switches theme (it sets vscode-light/-dark/-high-contrast on body). */
export function observeTheme(doc: Document, changed: () => void): void {
  const observer = new MutationObserver(() => changed());
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
}
