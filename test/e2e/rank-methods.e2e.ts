// Rank Neurons with another method than the probe, from the palette in a real VS Code: the method
// pick, the Brown data, the ranking job and the experiments on its ordering in the worker, and the
// ranked-neurons report naming the method with the saved ranking's neurons and retrain figures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TIMEOUTS, type VsCodeSession, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';

/** Ranking and experiments on 1,500 Brown sentences: well under a minute alone, longer on busy cores. */
const RANK_TIMEOUT = 600_000;

let session: VsCodeSession;
let workspace: string;

useWorkbench(
  'rank-',
  () => undefined,
  (s, w) => {
    session = s;
    workspace = w;
  },
);

/** Runs a palette command whose own quick pick takes the palette's place (see commands.e2e.ts). */
async function startCommand(title: string, pickTitle: string): Promise<void> {
  const page = session.page;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[()]/g, '\\$&')}\\s*$`) }) }).first();
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await row.waitFor({ state: 'visible' });
  await row.click();
  await widget.locator('.quick-input-title', { hasText: pickTitle }).waitFor();
}

/** Picks the row of the open quick pick whose label contains `label`, after its title shows `title`. */
async function pick(title: string, label: string): Promise<void> {
  const page = session.page;
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor();
  await widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first().click();
}

test('Rank Neurons by Probeless from the palette opens the ranked-neurons report of the saved ranking', async () => {
  const page = session.page;
  await startCommand('Grain: Choose Model', 'Choose Model');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-box input').fill('brown-lstm-s1');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'brown-lstm-s1' }).first().click();
  await widget.waitFor({ state: 'hidden' });
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-lstm-s1' }).first().waitFor();

  const started = Date.now();
  await startCommand('Grain: Rank Neurons (Run Experiments)', 'Rank Neurons by');
  // Every method is offered.
  const labels = await widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  for (const m of ['Linear probe', 'Probeless', 'IoU probe', 'Gaussian probe', 'Correlation clustering']) assert.ok(labels.some((l) => l.includes(m)), `${m} in ${labels.join(' | ')}`);
  await session.screenshot('rank-01-methods');
  await pick('Rank Neurons by', 'Probeless');
  await pick('labelled data', 'Brown corpus');
  await pick('Brown tag set', 'universal');
  await pick('how much of the Brown split', '1,500 train');

  await page.locator('.tab', { hasText: /Ranked neurons: ranking-probeless-brown-lstm-s1-brown-universal/ }).waitFor({ timeout: RANK_TIMEOUT });
  const grain = join(workspace, '.grain');
  const rankings = readdirSync(grain).filter((f) => /^ranking-probeless-brown-lstm-s1-brown-universal.*\.json$/.test(f));
  const experiments = readdirSync(grain).filter((f) => /^experiments-probeless-brown-lstm-s1-brown-universal.*\.json$/.test(f));
  assert.equal(rankings.length, 1, readdirSync(grain).join(', '));
  assert.equal(experiments.length, 1, readdirSync(grain).join(', '));
  const ranking = JSON.parse(readFileSync(join(grain, rankings[0]!), 'utf8')) as { schema: string; method: string; ordering: number[]; data: { trainSentences: number } };
  const x = JSON.parse(readFileSync(join(grain, experiments[0]!), 'utf8')) as { ranking: { method: string; path: string }; subsets: { rows: { percent: number; top: number; random: number }[] } };
  assert.equal(ranking.schema, 'grain.ranking');
  assert.equal(ranking.method, 'probeless');
  assert.equal(ranking.data.trainSentences, 1500);
  assert.equal(x.ranking.method, 'probeless');
  console.log(`# Rank Neurons by Probeless: ${((Date.now() - started) / 1000).toFixed(1)} s to the report`);

  const frame = new Workbench(session).webview.frame();
  // The method is named in the header.
  const h1 = frame.locator('h1[data-method=probeless]');
  await h1.waitFor({ timeout: TIMEOUTS.ui });
  assert.match(await h1.innerText(), /^Ranked neurons: brown-lstm-s1 · Probeless \(Antverg & Belinkov 2022\)$/);
  // The table holds the saved ordering.
  const cells = frame.locator('table[data-table=neurons] tbody tr td:nth-child(2)');
  await cells.first().waitFor();
  const ids = (await cells.evaluateAll((els) => els.slice(0, 5).map((e) => Number((e.textContent ?? '').trim()))));
  assert.deepEqual(ids, ranking.ordering.slice(0, 5));
  // The experiments that followed the ranking: their top-10% retrain figure is in the headline.
  const row = x.subsets.rows.find((r) => r.percent === 10)!;
  const retrained = await frame.locator('[data-headline="Top 10% retrained"] dd').innerText();
  assert.equal(retrained.slice(0, retrained.indexOf('%') + 1), `${(row.top * 100).toFixed(2)}%`);
  assert.match(retrained, new RegExp(`random ${(row.random * 100).toFixed(2)}%`));
  const widths = await frame.locator('canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).width));
  assert.ok(widths.length >= 1 && widths.every((w) => w > 0), `canvas widths ${widths}`);
  await session.screenshot('rank-02-probeless-report');
});
