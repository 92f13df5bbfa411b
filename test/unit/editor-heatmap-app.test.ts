import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heatBin } from '../../src/core/heat/z-scores';
import { bin } from '../../webview/heatmap/app';
import { heatmapCss } from '../../webview/heatmap/styles';

test('the heat-map view bins z-scores exactly as the editor decorations do', () => {
  for (let z = -5; z <= 5; z += 0.05) assert.equal(bin(z), heatBin(z), `z=${z}`);
  for (const z of [0.5, 1, 1.5, 2, 3, -0.5, -3, NaN]) assert.equal(bin(z), heatBin(z), `z=${z}`);
});

test('the view stacks k layers of the theme colour for bin k', () => {
  const css = heatmapCss();
  for (let k = 1; k <= 5; k++) {
    const rule = new RegExp(`\\.w\\.p${k} \\{ background: ([^;]+);`).exec(css);
    assert.ok(rule, `rule for p${k}`);
    assert.equal(rule[1].split('linear-gradient(').length - 1, k);
    assert.match(rule[1], /--vscode-grain-heat-positive/);
    assert.match(css, new RegExp(`\\.w\\.n${k} \\{ background: [^;]*--vscode-grain-heat-negative`));
  }
});
