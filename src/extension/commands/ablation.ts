// Run Ablation Curves: asks which rankings to ablate, on which text and how many of its sentences,
// each count with an estimate of its run time (model runs x sentences, one run timed on the chosen
// text in the worker while the user decides), then runs the curves and opens their report.
import * as vscode from 'vscode';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeTempDir } from '../../core/io/temp';
import { sameModel } from '../../core/model/folder';
import { splitLines, splitWords } from '../../core/text/words';
import { DEFAULTS } from '../../shared/defaults';
import type { AblateJob } from '../../shared/jobs';
import { curveRuns, estimateSeconds, formatDuration, sentenceOptions } from '../ablation-plan';
import { showError } from '../notify';
import type { SavedResult } from '../results-store';
import type { CommandContext } from './context';
import { currentFileEditor } from '../editor/documents';

type RankingItem = vscode.QuickPickItem & { result?: SavedResult; lca?: boolean };

/** Sentences of a text (its non-blank lines), for files small enough to count on this thread. */
function countSentences(path: string): number | undefined {
  try {
    if (statSync(path).size > 50_000_000) return undefined;
    return splitLines(readFileSync(path, 'utf8')).filter((l) => splitWords(l).length > 0).length;
  } catch {
    return undefined;
  }
}

export async function ablationCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Run Ablation Curves'))) return;
  const model = await ctx.currentModel();
  if (!model) return;
  const name = ctx.modelName(model);

  // 1. Rankings: the probes, experiments and correlations of this model.
  const saved = ctx.services.results.list().results;
  const of = (r: SavedResult) => r.models.some((m) => sameModel(ctx.resultModelPath(m), model));
  const lca = saved.filter((r) => (r.kind === 'probe' || r.kind === 'experiments') && of(r));
  const cca = saved.filter((r) => r.kind === 'correlation' && of(r));
  if (lca.length === 0 && cca.length === 0) {
    void showError(`ablation curves zero ${name}'s neurons in the order a ranking gives, and ${name} has none yet: run a probe on it first (Grain: Run Probe on a Labelled Corpus)`);
    return;
  }
  const current = ctx.state.probePath;
  const firstLca = lca.find((r) => r.path === current) ?? lca[0];
  const short = (d: string) => (d.length > 48 ? `${d.slice(0, 47)}…` : d);
  const describe = (r: SavedResult) => [r.createdAt?.replace('T', ' ').slice(0, 16), r.data.map((d) => short(basename(d))).join(' / ')].filter(Boolean).join(' · ');
  const items: RankingItem[] = [];
  if (lca.length) items.push({ label: 'Probe rankings (LCA top and bottom): one', kind: vscode.QuickPickItemKind.Separator });
  for (const r of lca) items.push({ label: r.name, description: `${r.kind}${r.path === current ? ' · current probe' : ''}`, detail: describe(r), picked: r === firstLca, result: r, lca: true });
  if (cca.length) items.push({ label: 'Cross-model rankings (CCA top)', kind: vscode.QuickPickItemKind.Separator });
  for (const r of cca) items.push({ label: r.name, description: 'correlation', detail: describe(r), picked: r === cca[0], result: r, lca: false });
  const rankings = await pickRankings(items, name);
  if (!rankings) return;

  // 2. Text.
  const input = await pickText(ctx);
  if (!input) return;
  const available = countSentences(input);
  if (available === 0) {
    void showError({ message: 'no sentences: the file is empty or blank', file: input });
    return;
  }

  // 3. How many sentences, with the time each takes: one run timed while the user reads the list.
  const q = DEFAULTS.ablation.quick;
  const runs = curveRuns({ lcaFiles: rankings.filter((r) => r.lca).length, ccaFiles: rankings.filter((r) => !r.lca).length, percents: q.percents, randomDraws: q.randomDraws });
  const timing = timeOneRun(ctx, model, input, rankings[0]!.result!.path);
  const count = await pickSentences(available ?? Infinity, runs, timing.result);
  timing.cancel();
  if (!count) return;

  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`ablation-${name}`);
  const orderingFiles = rankings.map((r) => r.result!.path);
  const job: AblateJob = {
    kind: 'ablate',
    model,
    input,
    out,
    masks: [],
    curve: { orderingFiles, percents: [...q.percents], randomDraws: q.randomDraws, seed: DEFAULTS.ablation.seed },
    maxSentences: Number.isFinite(count) ? count : undefined,
    ...ctx.jobBasics(),
  };
  ctx.log.info(`ablation curves of ${model}: orderings ${orderingFiles.join(', ')}; ${count} sentences of ${input}; ${runs} model runs`);
  const r = await ctx.runJob(`Ablation curves (${name}, ${runs} runs × ${Number.isFinite(count) ? count.toLocaleString('en-US') : 'all'} sentences)`, job);
  if (r) await ctx.openReport(out);
}

/** The rankings to ablate: at most one LCA (probe or experiments) file, any correlation files, at least one in all. */
function pickRankings(items: RankingItem[], model: string): Promise<RankingItem[] | undefined> {
  const qp = vscode.window.createQuickPick<RankingItem>();
  qp.title = `Grain: Run Ablation Curves (${model}): which rankings`;
  qp.placeholder = 'Neurons are zeroed in each ranking\'s order (a random order is always drawn too)';
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = items;
  qp.selectedItems = items.filter((i) => i.picked);
  return new Promise((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      const picked = qp.selectedItems.filter((i) => i.result);
      const lcaCount = picked.filter((i) => i.lca).length;
      if (picked.length === 0 || lcaCount > 1) {
        // The curves are named by kind (LCA top, LCA bottom, CCA top): two probes would draw two curves of one name.
        qp.placeholder = picked.length === 0 ? 'Pick at least one ranking' : 'Pick one probe ranking (and any correlations): two would draw two "LCA top" curves';
        return;
      }
      done = true;
      resolve(picked);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function pickText(ctx: CommandContext): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { path?: string };
  const items: Item[] = [];
  const brown = join(ctx.demoDir, 'brown-test-2000.txt');
  if (existsSync(brown)) items.push({ label: 'Brown test sentences', description: 'models/brown-test-2000.txt, held out from the demo probes', path: brown });
  const doc = currentFileEditor()?.document;
  if (doc && doc.uri.scheme === 'file' && !doc.isDirty && doc.languageId === 'plaintext') {
    items.push({ label: `The open file: ${basename(doc.uri.fsPath)}`, description: vscode.workspace.asRelativePath(doc.uri), path: doc.uri.fsPath });
  }
  items.push({ label: '$(folder-opened) A text file...', description: 'one sentence per line' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: Run Ablation Curves: which text the model is measured on' });
  if (!pick) return undefined;
  if (pick.path) return pick.path;
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, title: 'Grain: a text for the ablation curves', filters: { 'Text (one sentence per line)': ['txt', 'tok', 'text'], 'All files': ['*'] } });
  return chosen?.[0]?.fsPath;
}

/** Timed: one unablated run and one with a unit zeroed on the first sentences; the second run's seconds. */
const TIMED_SENTENCES = 32;

function timeOneRun(ctx: CommandContext, model: string, input: string, rankingFile: string): { result: Promise<{ sentences: number; seconds: number } | undefined>; cancel(): void } {
  let site: string | undefined;
  try {
    site = ctx.services.results.read(rankingFile).result.sites?.[0]?.name;
  } catch {
    site = undefined;
  }
  if (!site) return { result: Promise.resolve(undefined), cancel: () => undefined };
  const dir = makeTempDir('ablation-timing');
  const job: AblateJob = { kind: 'ablate', model, input, out: join(dir.path, 'timing.json'), masks: [`${site}:0`], maxSentences: TIMED_SENTENCES, ...ctx.jobBasics() };
  let maskStarted: number | undefined;
  const running = ctx.services.worker.runQuiet(job, (p) => {
    // 'ablating <mask>' comes when the unablated run (with the session's warm-up) is done.
    if (p.done === 1) maskStarted = performance.now();
  });
  const result = running.result.then(
    (r) => (maskStarted === undefined ? undefined : { sentences: r.sentences, seconds: (performance.now() - maskStarted) / 1000 }),
    (e: unknown) => {
      ctx.log.info(`ablation timing run: ${(e as Error).message}`);
      return undefined;
    },
  );
  void result.finally(() => dir.dispose());
  return { result, cancel: () => running.cancel() };
}

async function pickSentences(available: number, runs: number, timing: Promise<{ sentences: number; seconds: number } | undefined>): Promise<number | undefined> {
  type Item = vscode.QuickPickItem & { count: number };
  const options = sentenceOptions(DEFAULTS.ablation.quick.sentenceChoices, available);
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Grain: Run Ablation Curves: how many sentences (${runs} model runs over each)`;
  qp.placeholder = `${runs} runs: the unablated model, each ranking and ${DEFAULTS.ablation.quick.randomDraws} random orders at ${DEFAULTS.ablation.quick.percents.filter((p) => p > 0).join(', ')}% zeroed`;
  const render = (timed: { sentences: number; seconds: number } | undefined | 'pending') => {
    const active = qp.activeItems[0]?.count;
    qp.items = options.map((o) => {
      const n = Number.isFinite(o.count) ? o.count.toLocaleString('en-US') : 'all';
      const cost = `${runs} runs × ${n} sentences`;
      return {
        label: o.all ? (Number.isFinite(o.count) ? `${n} sentences (the whole text)` : 'The whole text') : `${n} sentences`,
        description: timed === 'pending' ? `${cost} · timing a run…` : timed && Number.isFinite(o.count) ? `${cost} · ${formatDuration(estimateSeconds(runs, o.count, timed))}` : cost,
        count: o.count,
      };
    });
    const want = active ?? Math.min(DEFAULTS.ablation.quick.maxSentences, available);
    const again = qp.items.find((i) => i.count === want) ?? qp.items.find((i) => i.count === Math.min(DEFAULTS.ablation.quick.maxSentences, available));
    if (again) qp.activeItems = [again];
  };
  render('pending');
  void timing.then((t) => render(t));
  return new Promise((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.activeItems[0]?.count);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
