// Text over every heat bin stays readable (WCAG 4.5:1) in VS Code's four default themes: the
// grain.heat.* defaults of package.json, stacked as the editor draws them (a word of bin k lies
// under k translucent layers, src/extension/editor/palette.ts), over each theme's editor
// background, against its editor foreground.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HEAT_EDGES } from '../../src/core/heat/z-scores';
import { contrast, type Rgb } from '../helpers/wcag';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * Editor background and foreground of VS Code 1.100's default themes (extensions/theme-defaults:
 * light_modern.json, dark_modern.json, hc_black.json; HC Light states neither, so VS Code's own
 * defaults for hcLight apply: editor.background white, editor.foreground = foreground #292929).
 */
const THEMES = {
  light: { name: 'Light Modern', file: 'light_modern.json', background: '#FFFFFF', foreground: '#3B3B3B' },
  dark: { name: 'Dark Modern', file: 'dark_modern.json', background: '#1F1F1F', foreground: '#CCCCCC' },
  highContrast: { name: 'Dark High Contrast', file: 'hc_black.json', background: '#000000', foreground: '#FFFFFF' },
  highContrastLight: { name: 'Light High Contrast', file: 'hc_light.json', background: '#FFFFFF', foreground: '#292929' },
} as const;
type ThemeKind = keyof typeof THEMES;

type Rgba = [number, number, number, number];

function parseHex(hex: string): Rgba {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(hex);
  assert.ok(m, `a #rrggbb or #rrggbbaa colour: ${hex}`);
  const n = (i: number) => parseInt(m[1].slice(i, i + 2), 16) / 255;
  return [n(0), n(2), n(4), m[2] ? parseInt(m[2], 16) / 255 : 1];
}

function over(layer: Rgba, under: Rgb): Rgb {
  const a = layer[3];
  return [0, 1, 2].map((i) => a * layer[i] + (1 - a) * under[i]) as Rgb;
}

/** The background of a bin-k word: k layers of the colour over the editor background. */
function binBackground(colour: string, theme: ThemeKind, k: number): Rgb {
  const layer = parseHex(colour);
  let c = parseHex(THEMES[theme].background).slice(0, 3) as Rgb;
  for (let i = 0; i < k; i++) c = over(layer, c);
  return c;
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { colors: { id: string; defaults: Record<ThemeKind, string> }[] };
};
const heat = manifest.contributes.colors.filter((c) => c.id.startsWith('grain.heat.'));
const LEVELS = HEAT_EDGES.length;

test('every heat bin keeps the editor text at 4.5:1 or more in all four default themes', () => {
  assert.deepEqual(heat.map((c) => c.id).sort(), ['grain.heat.negative', 'grain.heat.positive']);
  const figures: string[] = [];
  const failures: string[] = [];
  for (const theme of Object.keys(THEMES) as ThemeKind[]) {
    const fg = parseHex(THEMES[theme].foreground).slice(0, 3) as Rgb;
    let worst = Infinity;
    for (const c of heat) {
      for (let k = 1; k <= LEVELS; k++) {
        const ratio = contrast(binBackground(c.defaults[theme], theme, k), fg);
        worst = Math.min(worst, ratio);
        if (ratio < 4.5) failures.push(`${THEMES[theme].name}: ${c.id} bin ${k} is ${ratio.toFixed(2)}:1`);
      }
    }
    figures.push(`${THEMES[theme].name} ${worst.toFixed(2)}:1`);
  }
  console.log(`# weakest text contrast over a heat bin: ${figures.join(', ')}`);
  assert.deepEqual(failures, []);
});

test('the bins can be told apart: each is visibly off the background and deeper than the one before', () => {
  for (const theme of Object.keys(THEMES) as ThemeKind[]) {
    const bg = parseHex(THEMES[theme].background).slice(0, 3) as Rgb;
    for (const c of heat) {
      const vsBackground = Array.from({ length: LEVELS }, (_, i) => contrast(binBackground(c.defaults[theme], theme, i + 1), bg));
      assert.ok(vsBackground[0] >= 1.15, `${THEMES[theme].name} ${c.id}: bin 1 is ${vsBackground[0].toFixed(2)}:1 off the background`);
      for (let k = 1; k < LEVELS; k++) assert.ok(vsBackground[k] > vsBackground[k - 1] * 1.04, `${THEMES[theme].name} ${c.id}: bin ${k + 1} deeper than bin ${k}`);
    }
  }
});

test("the theme colours above are the installed VS Code's (when the E2E copy of code-server is there)", (t) => {
  const dir = join(REPO, '.e2e', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'theme-defaults', 'themes');
  if (!existsSync(dir)) {
    t.skip(`no ${dir}`);
    return;
  }
  for (const theme of Object.values(THEMES)) {
    const colours = (JSON.parse(readFileSync(join(dir, theme.file), 'utf8')) as { colors?: Record<string, string> }).colors ?? {};
    if (colours['editor.background'] !== undefined) assert.equal(colours['editor.background'].toUpperCase(), theme.background, `${theme.file} editor.background`);
    if (colours['editor.foreground'] !== undefined) assert.equal(colours['editor.foreground'].toUpperCase(), theme.foreground, `${theme.file} editor.foreground`);
  }
});
