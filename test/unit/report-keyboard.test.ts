// The ranked-neurons report from the keyboard, in headless Chromium (the static page of `grain
// report`, bundled here as report-static.test.ts does): each table is one Tab stop, arrows,
// Home/End and PageUp/PageDown move between rows and keep the focus, and the skip links reach
// every section.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readResult } from '../../src/results/read';
import { groupReports, renderStaticReport } from '../../src/results/static-html';
import type { ProbeResult } from '../../src/shared/results';

const REPO = join(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const probeFile = readResult(join(REPO, 'test', 'fixtures', 'results', 'probe-lstm-upos.json'));
const probe = probeFile.result as ProbeResult;

let browser: Browser | undefined;
let page: Page;
let dir: string;

before(async () => {
  if (!existsSync(CHROMIUM)) return;
  dir = mkdtempSync(join(tmpdir(), 'grain-report-keys-'));
  const r = await esbuild.build({ entryPoints: [join(REPO, 'webview', 'report-ranking', 'main.ts')], bundle: true, platform: 'browser', target: 'es2022', format: 'iife', write: false, logLevel: 'silent' });
  const html = renderStaticReport(groupReports([probeFile]).slice(0, 1), { css: readFileSync(join(REPO, 'media', 'webview.css'), 'utf8'), script: () => r.outputFiles[0]!.text });
  writeFileSync(join(dir, 'ranking.html'), html);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await page.goto(`file://${join(dir, 'ranking.html')}`);
  await page.locator('table[data-table=neurons] tbody tr').first().waitFor({ timeout: 10_000 });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const skip = !existsSync(CHROMIUM) && 'no Chromium';

/** What has the focus inside the report frame: a row's neuron id, a button's text, or the tag. */
function focused(): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return 'nothing';
    if (a.tagName === 'TR') return `row ${a.getAttribute('data-key')}`;
    return `${a.tagName.toLowerCase()} ${(a.textContent ?? '').trim()}`;
  });
}

test('Tab reaches the first chart\'s Show table in a handful of presses, not past every row', { skip }, async () => {
  const frame = page;
  await frame.locator('h1').click();
  let presses = 0;
  for (; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    if ((await focused()) === 'button Show table') break;
  }
  assert.ok(presses < 15, `Show table after ${presses + 1} Tabs`);
});

test('arrows, Home/End and PageUp/PageDown move between rows and keep the focus', { skip }, async () => {
  const frame = page;
  const rows = frame.locator('table[data-table=neurons] tbody tr');
  // One row of the table is in the Tab order.
  assert.deepEqual(await rows.evaluateAll((trs) => trs.filter((t) => t.getAttribute('tabindex') === '0').length), 1);
  await rows.first().focus();
  assert.equal(await focused(), `row ${probe.ordering[0]}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), `row ${probe.ordering[2]}`);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), `row ${probe.ordering[1]}`);
  await page.keyboard.press('PageDown');
  const afterPage = await focused();
  assert.match(afterPage, /^row \d+$/);
  assert.ok(probe.ordering.indexOf(Number(afterPage.slice(4))) > 5, `PageDown moved a page: ${afterPage}`);
  await page.keyboard.press('End');
  assert.equal(await focused(), `row ${probe.ordering.at(-1)}`);
  await page.keyboard.press('Home');
  assert.equal(await focused(), `row ${probe.ordering[0]}`);
  // Up from the first row reaches the column headers; Right moves along them, Down comes back.
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), 'button Rank');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), 'button Neuron');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), `row ${probe.ordering[0]}`);
  // Enter selects, and the focus stays on the row.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), `row ${probe.ordering[1]}`);
  assert.equal(await rows.nth(1).getAttribute('aria-selected'), 'true');
});

test('skip links go to each section and move the focus there', { skip }, async () => {
  const frame = page;
  const links = frame.locator('nav.skip-links a');
  assert.deepEqual(await links.allInnerTexts(), ['Neurons in ranking order', 'Where the information is', 'Class overlap of top neurons']);
  await links.nth(1).focus();
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'h2 Where the information is');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'button Show table');
});
