// `grain report`: self-contained HTML of the report apps with the results embedded. The apps are
// bundled here in memory with esbuild (as scripts/build.mjs does), so the test needs no prior build;
// the pages are then opened in headless Chromium (when installed) and read like a user would.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readResult } from '../../src/results/read';
import { groupReports, renderStaticReport, type StaticAssets } from '../../src/results/static-html';
import type { ProbeResult } from '../../src/shared/results';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO, 'test-results', 'report-static');
const fixture = (name: string) => readResult(join(FIXTURES, name));
const probe = fixture('probe-lstm-upos.json').result as ProbeResult;

let assets: StaticAssets;
let dir: string;
let browser: Browser | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grain-report-static-'));
  const bundles = new Map<string, string>();
  await Promise.all(
    ['report-ranking', 'report-ablation', 'report-correlation'].map(async (app) => {
      const r = await esbuild.build({ entryPoints: [join(REPO, 'webview', app, 'main.ts')], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', write: false, logLevel: 'silent' });
      bundles.set(app, r.outputFiles[0]!.text);
    }),
  );
  assets = { css: readFileSync(join(REPO, 'media', 'webview.css'), 'utf8'), script: (app) => bundles.get(app)! };
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page in Chromium, collecting console errors (CSP violations among them). */
async function open(html: string, name: string): Promise<{ page: Page; errors: string[] }> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser!.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${file}`);
  return { page, errors };
}

test('a probe with its experiments makes the ranking report (and the accuracy curves); the HTML holds the numbers and no external reference', () => {
  const reports = groupReports([fixture('probe-lstm-upos.json'), fixture('experiments-lstm-upos.json')]);
  assert.deepEqual(reports.map((r) => [r.message.report.view, r.message.main.split('/').at(-1), r.message.companion?.split('/').at(-1)]), [
    ['ranking', 'probe-lstm-upos.json', 'experiments-lstm-upos.json'],
    ['ablation', 'experiments-lstm-upos.json', undefined],
  ]);
  const html = renderStaticReport(reports.slice(0, 1), assets);
  assert.match(html, /"accuracy":0\.9342598376014991/);
  assert.match(html, /"ordering":\[26,44,113,149,176/);
  assert.match(html, /--vscode-charts-blue: #1a85ff/);
  assert.match(html, /window\.acquireVsCodeApi = function/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|sourceMappingURL/);
  // Exactly the page's own script elements close: nothing inside the data or bundle ends one early.
  assert.equal(html.match(/<\/script>/g)!.length, 3);
});

test('in Chromium the ranking page shows the real top neurons and accuracy, sorts, and has no CSP errors', { skip: !existsSync(CHROMIUM) && 'no Chromium' }, async () => {
  const reports = groupReports([fixture('probe-lstm-upos.json'), fixture('experiments-lstm-upos.json')]);
  const { page, errors } = await open(renderStaticReport(reports.slice(0, 1), assets), 'ranking');
  const rows = page.locator('table[data-table=neurons] tbody tr');
  await rows.first().waitFor({ timeout: 10_000 });
  assert.equal(await rows.count(), 768);
  const ids = await page.locator('table[data-table=neurons] tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(ids.slice(0, 5).map(Number), probe.ordering.slice(0, 5));
  assert.match(await page.locator('[data-headline="Test accuracy"] dd').innerText(), /^93\.43%/);
  // Charts drew on their canvases (chart.js runs under the page's CSP without eval).
  const drawn = await page.locator('canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).width));
  assert.ok(drawn.length >= 4 && drawn.every((w) => w > 0), `canvas widths ${drawn}`);
  await page.locator('[data-toggle=layers]').click();
  assert.deepEqual(await page.locator('table[data-table=layers-table] tbody tr td:nth-child(2)').allInnerTexts(), probe.topBySite.map(String));
  // Keyboard: focus the Neuron header's sort button and press Enter twice (descending, then ascending).
  await page.locator('table[data-table=neurons] th[data-column=neuron] button').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  assert.deepEqual((await page.locator('table[data-table=neurons] tbody tr td:nth-child(2)').allInnerTexts()).slice(0, 3), ['0', '1', '2']);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'ranking.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('in Chromium all four fixtures become three tabs; the ablation and correlation pages show their tables', { skip: !existsSync(CHROMIUM) && 'no Chromium' }, async () => {
  const all = ['ablation-lstm.json', 'probe-lstm-upos.json', 'experiments-lstm-upos.json', 'correlation-lstm.json'].map(fixture);
  const reports = groupReports(all);
  assert.deepEqual(reports.map((r) => r.message.report.view), ['ablation', 'ranking', 'correlation']);
  const { page, errors } = await open(renderStaticReport(reports, assets), 'all');
  const tabs = page.locator('[role=tab]');
  assert.deepEqual(await tabs.allInnerTexts(), ['Ablation curves: ablation-lstm.json', 'Ranked neurons: probe-lstm-upos.json', 'Cross-model correlation: correlation-lstm.json']);
  const ablation = page.frameLocator('#panel-0');
  await ablation.locator('[data-toggle=loss]').click();
  const loss = await ablation.locator('table[data-table=loss-table] tbody tr').last().innerText();
  assert.match(loss, /50\.0% \(384\)\s+6\.1382\s+6\.7992/);
  mkdirSync(SHOTS, { recursive: true });
  await ablation.locator('[data-toggle=loss]').click();
  await page.screenshot({ path: join(SHOTS, 'ablation.png') });
  await tabs.nth(2).click();
  const corr = page.frameLocator('#panel-2');
  const shared = await corr.locator('table[data-table=shared] tbody tr').first().innerText();
  assert.match(shared, /^1\s+564\s+layer2:52\s+brown-lstm-s2\s+705/);
  await page.screenshot({ path: join(SHOTS, 'correlation.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('in Chromium a representation ablation (no LM head) draws mean 1 - cosine with its own axis and table columns', { skip: !existsSync(CHROMIUM) && 'no Chromium' }, async () => {
  const reports = groupReports([fixture('ablation-representation.json')]);
  assert.deepEqual(reports.map((r) => r.message.report.view), ['ablation']);
  const { page, errors } = await open(renderStaticReport(reports, assets), 'representation');
  await page.locator('[data-headline="Compared site"]').waitFor({ timeout: 10_000 });
  assert.match(await page.locator('[data-objective=representation]').innerText(), /No LM loss: .*last_hidden_state \(width 256\)/);
  assert.match(await page.locator('figure').first().innerText(), /Mean 1 - cosine of layer4 vs neurons ablated/);
  await page.locator('[data-toggle=change]').click();
  assert.match(await page.locator('table[data-table=change-table] thead').innerText(), /% of neurons zeroed\s+LCA top\s+LCA bottom\s+random/);
  assert.match(await page.locator('table[data-table=change-table] tbody tr').last().innerText(), /50\.0% \(640\)\s+0\.7987\s+0\.7515/);
  await page.locator('[data-toggle=change]').click();
  assert.match(await page.locator('table[data-table=masks] thead').innerText(), /Mask\s+Units\s+Mean squared change\s+Mean cosine\s+1 - cosine\s+Positions/);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'ablation-representation.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
