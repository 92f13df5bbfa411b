// Rank Neurons with another method than the probe, from the palette in a real VS Code: the method
// pick, the Brown data, the ranking job and the experiments on its ordering in the worker, and the
// ranked-neurons report naming the method with the saved ranking's neurons and retrain figures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TIMEOUTS, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';

/** Ranking and experiments on 1,500 Brown sentences: well under a minute alone, longer on busy cores. */
const RANK_TIMEOUT = 600_000;

let ui: Workbench;
let workspace: string;

useWorkbench(
  'rank-',
  () => undefined,
  (s, w) => {
    ui = new Workbench(s);
    workspace = w;
  },
);

test('Rank Neurons by Probeless from the palette opens the ranked-neurons report of the saved ranking', async () => {
  const page = ui.page;
  const choose = await ui.palette.start('Grain: Choose Model');
  await choose.titled('Choose Model');
  await choose.pick('brown-lstm-s1', 'brown-lstm-s1');
  await choose.closed();
  await ui.statusBar.shows('brown-lstm-s1');

  const started = Date.now();
  const rank = await ui.palette.start('Grain: Rank Neurons (Run Experiments)');
  await rank.titled('Rank Neurons by');
  // Every method is offered.
  const labels = await rank.widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  for (const m of ['Linear probe', 'Probeless', 'IoU probe', 'Gaussian probe', 'Correlation clustering']) assert.ok(labels.some((l) => l.includes(m)), `${m} in ${labels.join(' | ')}`);
  await ui.screenshot('rank-01-methods');
  for (const [title, label] of [['Rank Neurons by', 'Probeless'], ['labelled data', 'Brown corpus'], ['Brown tag set', 'universal'], ['how much of the Brown split', '1,500 train']] as const) {
    await rank.titled(title);
    await rank.rowLabelled(new RegExp(label.replace(/[()]/g, '\\$&'))).click();
  }

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

  const frame = ui.webview.frame();
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
  await ui.screenshot('rank-02-probeless-report');
});
