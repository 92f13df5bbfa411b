import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GrainError } from '../../core/errors';
import { writeFileAtomic } from '../../core/io/atomic';
import { checkOutputPath } from '../../core/io/output-guard';
import { readResult } from '../../results/read';
import { groupReports, renderStaticReport, type StaticAssets } from '../../results/static-html';
import { REPORT_TITLES } from '../../shared/protocol/report';
import { UsageError } from '../args';
import type { Out } from '../context';

export const reportUsage = `grain report RESULT.json [MORE.json ...] --out report.html [--title TEXT]
  A self-contained HTML report of Grain results, the same reports as in VS Code (ranked neurons,
  ablation curves, cross-model correlation, top contexts), viewable offline in any browser. A probe result is
  shown with the experiments of the same task when both are given; several reports become tabs.`;

/** dist/webview (the app bundles) and media/webview.css, next to the CLI bundle or from a source checkout. */
function staticAssets(): StaticAssets {
  const roots = [resolve(__dirname, '..'), resolve(__dirname, '..', '..', '..')];
  const find = (rel: string[]) => roots.map((r) => join(r, ...rel)).find((p) => existsSync(p));
  const webview = roots.map((r) => join(r, 'dist', 'webview')).find((p) => existsSync(p)) ?? (existsSync(join(__dirname, 'webview')) ? join(__dirname, 'webview') : undefined);
  const css = find(['media', 'webview.css']);
  if (!webview || !css) throw new GrainError('the report apps are not built (no dist/webview or media/webview.css next to Grain): run npm run build');
  return {
    css: readFileSync(css, 'utf8'),
    script(app) {
      const file = join(webview, `${app}.js`);
      if (!existsSync(file)) throw new GrainError(`${file} is missing: run npm run build`);
      return readFileSync(file, 'utf8');
    },
  };
}

export async function reportCommand(argv: string[], out: Out): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { out: { type: 'string' }, title: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('give at least one result file');
  if (!values.out) throw new UsageError('--out is required');
  checkOutputPath(values.out, { files: positionals, models: [] });
  const results = positionals.map((p) => readResult(p));
  const reports = groupReports(results);
  if (reports.length === 0) throw new GrainError('these results make no report');
  const html = renderStaticReport(reports, staticAssets(), values.title ?? 'Grain report');
  writeFileAtomic(values.out, html);
  for (const r of reports) {
    const files = [r.message.main, r.message.companion].filter(Boolean).join(' + ');
    out.info(`${REPORT_TITLES[r.message.report.view]}: ${files}`);
  }
  out.info(`wrote ${values.out} (${(statSync(values.out).size / 1e6).toFixed(1)} MB, ${reports.length} ${reports.length === 1 ? 'report' : 'reports'})`);
}
