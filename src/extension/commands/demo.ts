// Run Demo: brown-lstm-s1 on Brown POS tags end to end, in well under a minute: a probe, the
// ranked-neurons report, a sample text, and the top neuron selected so decorations show.
import * as vscode from 'vscode';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from './context';
import { showError } from '../notify';
import { brownData, runProbe } from './analysis';
import { checkModelFolder } from '../known-models';
import { classifierResult } from '../../shared/results';

export const DEMO_MODEL = 'brown-lstm-s1';
const DEMO_LINES = 40;

export async function runDemo(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Run Demo'))) return;
  const model = join(ctx.demoDir, DEMO_MODEL);
  const checked = checkModelFolder(model);
  if ('error' in checked) {
    void showError({ message: checked.error, file: checked.file, line: checked.line }, { what: 'Run Demo (the demo model is unusable)' });
    return;
  }
  const data = brownData(ctx, 'universal', 1500, 300);
  if (!data) return;
  ctx.state.setModel(model);
  ctx.log.info(`Run Demo: probing ${DEMO_MODEL} for universal POS tags on 1,500 / 300 Brown sentences`);
  const started = Date.now();
  const out = await runProbe(ctx, model, data, 'brown-universal', 'Run Demo: probe');
  if (!out) return;
  const probe = classifierResult(ctx.state.probe!.result);
  await ctx.openReport(out);

  const text = join(ctx.services.results.dir, 'demo.txt');
  const lines = readFileSync(join(ctx.demoDir, 'brown-test-2000.txt'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, DEMO_LINES);
  writeFileSync(text, lines.join('\n') + '\n');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(text));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });

  const top = probe.ordering[0];
  if (top !== undefined) ctx.selectNeuron(top);
  const n = ctx.state.neuron;
  ctx.log.info(
    `Run Demo: finished in ${((Date.now() - started) / 1000).toFixed(1)} s; test accuracy ${(100 * probe.test.accuracy).toFixed(2)}%` +
      (n ? `; top neuron ${n.neuron} (${n.site}:${n.unit}) shown on ${text}` : ''),
  );
}
