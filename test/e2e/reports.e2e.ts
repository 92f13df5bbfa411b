// The report webviews in a real VS Code: "Grain: Open Report..." on the real result fixtures copied into
// the workspace's .grain/, the numbers in the pages, selecting a neuron, the chart's table fallback,
// restoring after a reload, a broken file's error page, and no CSP violations.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, TIMEOUTS, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';

const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const FILES = ['probe-lstm-upos.json', 'experiments-lstm-upos.json', 'ablation-lstm.json', 'correlation-lstm.json'];
/** Rankings by other methods of the same activations as the probe above (fixtures/results/rankings). */
const RANKINGS = ['ranking-probeless-lstm-upos.json', 'ranking-iou-lstm-upos.json', 'experiments-probeless-lstm-upos.json'];
const probe = JSON.parse(readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8')) as { ordering: number[]; test: { accuracy: number } };

let ui: Workbench;

useWorkbench(
  'reports-',
  (ws) => {
    mkdirSync(join(ws, '.grain'));
    for (const f of FILES) copyFileSync(join(FIXTURES, f), join(ws, '.grain', f));
    for (const f of RANKINGS) copyFileSync(join(FIXTURES, 'rankings', f), join(ws, '.grain', f));
    writeFileSync(join(ws, '.grain', 'broken.json'), readFileSync(join(FIXTURES, 'ablation-lstm.json'), 'utf8').slice(0, 900));
    writeFileSync(join(ws, 'notes.txt'), 'Results are in .grain/\n');
  },
  (s) => {
    ui = new Workbench(s);
  },
);

/**
 * Grain: Open Report..., then `file` from its list of .grain/*.json. A restored or freshly shown
 * webview takes the focus a moment after it is ready, and a quick pick open at that moment closes:
 * when the pick closed before the file was accepted, it is opened once more.
 */
async function openReport(file: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const pick = await ui.palette.start('Grain: Open Report...');
    try {
      // Filter the list down to the file and accept it (typing works even when the list has not
      // scrolled the row into view).
      await pick.rowLabelled(file).waitFor({ state: 'attached', timeout: TIMEOUTS.ui });
      await pick.type(file);
      await pick.rowLabelled(file).waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await pick.accept();
      await pick.closed();
      return;
    } catch (err) {
      if (attempt === 2 || (await pick.widget.isVisible())) throw err;
      console.log(`Open Report: the pick closed before ${file} was accepted (focus moved); opening it again`);
    }
  }
}

const cspErrors = () => ui.session.consoleErrors().filter((e) => /Content Security Policy|unsafe-eval|Refused to/i.test(e));

async function neuronIds(count: number): Promise<number[]> {
  const cells = ui.webview.locator('table[data-table=neurons] tbody tr td:nth-child(2)');
  await cells.first().waitFor({ timeout: TIMEOUTS.ui });
  return (await cells.evaluateAll((els, n) => els.slice(0, n).map((e) => (e.textContent ?? '').trim()), count)).map(Number);
}

test('Open Report on a probe result shows the ranked neurons with the real ids and accuracy', async () => {
  const started = Date.now();
  await openReport('probe-lstm-upos.json');
  await ui.editor.tab('Ranked neurons: probe-lstm-upos.json').waitFor();
  assert.deepEqual(await neuronIds(5), probe.ordering.slice(0, 5));
  assert.deepEqual(probe.ordering.slice(0, 5), [26, 44, 113, 149, 176]);
  const accuracy = await ui.webview.locator('[data-headline="Test accuracy"] dd').innerText();
  assert.match(accuracy, /^93\.43%/);
  assert.equal(accuracy.slice(0, 6), `${(probe.test.accuracy * 100).toFixed(2)}%`);
  // The experiments of the same task were found next to it.
  assert.match(await ui.webview.locator('.report .meta').first().innerText(), /probe-lstm-upos\.json \+ experiments-lstm-upos\.json/);
  // Charts drew (chart.js under the webview's CSP) and there were no CSP violations.
  const widths = await ui.webview.locator('canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).width));
  assert.ok(widths.length >= 4 && widths.every((w) => w > 0), `canvas widths ${widths}`);
  await ui.screenshot('reports-01-ranking');
  assert.deepEqual(cspErrors(), []);
  console.log(`ranking report shown in ${Date.now() - started} ms`);
});

test("picking a neuron in the table makes it Grain's selected neuron (status bar)", async () => {
  const row = ui.webview.locator('table[data-table=neurons] tbody tr[data-key="44"]');
  await row.click();
  await ui.statusBar.shows('n44 embeddings:44', TIMEOUTS.ui);
  assert.equal(await row.getAttribute('aria-selected'), 'true');
  // Keyboard: focus the next row and press Enter.
  await ui.webview.locator('table[data-table=neurons] tbody tr[data-key="113"]').focus();
  await ui.page.keyboard.press('Enter');
  await ui.statusBar.shows('n113 embeddings:113', TIMEOUTS.ui);
});

test('filtering and sorting in the webview', async () => {
  await ui.webview.locator('[data-filter]').fill('layer2');
  await ui.webview.locator('[data-count]', { hasText: '256 of 768 neurons' }).waitFor();
  await ui.webview.locator('table[data-table=neurons] th[data-column=neuron] button').click();
  assert.deepEqual(await neuronIds(3), [767, 766, 765]);
  await ui.webview.locator('[data-filter]').fill('');
  await ui.webview.locator('[data-count]', { hasText: /^768 neurons$/ }).waitFor();
});

test('the ranking report comes back after a window reload, with its filter', async () => {
  await ui.webview.locator('[data-filter]').fill('layer1');
  await ui.webview.locator('[data-count]', { hasText: '256 of 768 neurons' }).waitFor();
  await ui.reload();
  await ui.editor.tab('Ranked neurons: probe-lstm-upos.json').waitFor({ timeout: TIMEOUTS.workbench });
  await ui.webview.locator('[data-count]', { hasText: '256 of 768 neurons' }).waitFor({ timeout: TIMEOUTS.workbench });
  assert.equal(await ui.webview.locator('[data-filter]').inputValue(), 'layer1');
  await ui.screenshot('reports-02-ranking-restored');
});

test('the ablation report draws the loss curves and lists the same numbers in its table', async () => {
  await openReport('ablation-lstm.json');
  await ui.editor.tab('Ablation curves: ablation-lstm.json').waitFor();
  const canvas = ui.webview.locator('figure[data-figure=loss] canvas');
  await canvas.waitFor();
  assert.ok((await canvas.evaluate((c) => (c as HTMLCanvasElement).width)) > 0);
  await ui.screenshot('reports-03-ablation');
  await ui.webview.locator('[data-toggle=loss]').click();
  const last = await ui.webview.locator('table[data-table=loss-table] tbody tr').last().innerText();
  assert.match(last, /50\.0% \(384\)\s+6\.1382\s+6\.7992\s+6\.2717\s+6\.2587/);
  assert.match(await ui.webview.locator('[data-headline="Baseline mean NLL"]').innerText(), /4\.7246/);
  assert.match(await ui.webview.locator('table[data-table=retrain-table]').innerText(), /91\.44%/);
  await ui.screenshot('reports-04-ablation-table');
  assert.deepEqual(cspErrors(), []);
});

test("a theme switch redraws the charts in the new theme's colours", async () => {
  await ui.webview.locator('[data-toggle=loss]').click();
  const canvas = ui.webview.locator('figure[data-figure=loss] canvas');
  await canvas.waitFor();
  const before = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const frame = ui.webview.frame();
  const bodyClass = await frame.locator('body').getAttribute('class');
  await ui.palette.run('Preferences: Toggle between Light/Dark Themes');
  await frame.locator('body').and(frame.locator(`body:not([class="${bodyClass}"])`)).waitFor({ timeout: TIMEOUTS.ui });
  const deadline = Date.now() + TIMEOUTS.ui;
  let after = before;
  while (after === before && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    after = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  }
  assert.notEqual(after, before, 'the chart was not redrawn after the theme changed');
  await ui.screenshot('reports-04b-ablation-other-theme');
  await ui.palette.run('Preferences: Toggle between Light/Dark Themes');
  // The report gets the focus back after the palette: a quick input opened before then would lose it.
  await ui.webview.focusBack();
});

test('the correlation report shows the CKA matrix and the top shared neurons', async () => {
  await openReport('correlation-lstm.json');
  await ui.editor.tab('Cross-model correlation: correlation-lstm.json').waitFor();
  const shared = ui.webview.locator('table[data-table=shared] tbody tr').first();
  await shared.waitFor();
  assert.match(await shared.innerText(), /^1\s+564\s+layer2:52\s+brown-lstm-s2\s+705/);
  assert.match(await ui.webview.locator('table[data-table=cka-0-1] tbody tr').first().innerText(), /embeddings\s+0\.970\s+0\.702\s+0\.567/);
  await ui.screenshot('reports-05-correlation');
});

test('a truncated result file opens a panel that says what is wrong', async () => {
  await openReport('broken.json');
  const alert = ui.webview.locator('[role=alert]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Cannot show broken\.json[\s\S]*not valid JSON[\s\S]*is it complete\?/);
  await ui.screenshot('reports-06-broken');
  assert.deepEqual(cspErrors(), []);
});

test('a ranking by another method opens with the method in its header and its agreement with the probe and the IoU ranking beside it', async () => {
  const ranking = JSON.parse(readFileSync(join(FIXTURES, 'rankings', 'ranking-probeless-lstm-upos.json'), 'utf8')) as { ordering: number[] };
  await openReport('ranking-probeless-lstm-upos.json');
  await ui.page.locator('.tab', { hasText: 'Ranked neurons: ranking-probeless-lstm-upos.json' }).waitFor();
  const frame = ui.webview.frame();
  const h1 = frame.locator('h1[data-method=probeless]');
  await h1.waitFor({ timeout: TIMEOUTS.ui });
  assert.equal(await h1.innerText(), 'Ranked neurons: brown-lstm-s1 · Probeless (Antverg & Belinkov 2022)');
  assert.deepEqual(await neuronIds(5), ranking.ordering.slice(0, 5));
  // The experiments that followed it, and the agreement with the two rankings beside it (the probe's too).
  assert.match(await frame.locator('.report .meta').first().innerText(), /ranking-probeless-lstm-upos\.json \+ experiments-probeless-lstm-upos\.json/);
  assert.match(await frame.locator('[data-headline="Top 10% retrained"] dd').innerText(), /^90\.52% random 90\.77%/);
  const listed = await frame.locator('[data-rankings] li').allInnerTexts();
  assert.equal(listed.length, 3);
  assert.ok(listed.some((l) => /probe-lstm-upos\.json \(Linear probe/.test(l)) && listed.some((l) => /ranking-iou-lstm-upos\.json \(IoU probe/.test(l)), listed.join(' | '));
  const agreement = frame.locator('figure[data-figure=agreement] canvas');
  await agreement.scrollIntoViewIfNeeded();
  assert.ok((await agreement.evaluate((c) => (c as HTMLCanvasElement).width)) > 0);
  await ui.screenshot('reports-07-ranking-method');
  await frame.locator('[data-toggle=agreement]').click();
  const row10 = await frame.locator('table[data-table=agreement-table] tbody tr').nth(9).innerText();
  // Three rankings, three pairs, then chance: 77 of 768 neurons.
  assert.match(row10, /^10%\s+\d+\.\d%\s+\d+\.\d%\s+\d+\.\d%\s+10\.0%$/);
  await ui.screenshot('reports-08-agreement-table');
  assert.deepEqual(cspErrors(), []);
});
