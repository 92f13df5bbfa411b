// Show Top Contexts: the corpus sentences where a neuron fires most and least, in the contexts
// report. Every neuron's contexts are computed in the worker in one pass per model, settings and
// corpus, saved in .grain/ and reused while nothing changed, so another neuron is instant.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { modelIdentity } from '../../core/model/folder';
import { resolveModelPath } from '../../core/runtime/model-path';
import { corpusFiles } from '../../core/text/corpus-files';
import { contextsAnswer } from '../../results/contexts-cache';
import { DEFAULTS } from '../../shared/defaults';
import type { ContextsJob } from '../../shared/jobs';
import { locateNeuron, neuronTitle } from '../../shared/neurons';
import { showError } from '../notify';
import { neuronArg } from '../command-args';
import type { CommandContext } from './context';
import type { CommandRegistry } from './registry';

const CORPUS_KEY = 'grain.contexts.corpus';

export function registerContexts(ctx: CommandContext, memento: vscode.Memento, commands: CommandRegistry): void {
  /** Runs per output file, so two clicks while it computes share one job. */
  const running = new Map<string, Promise<string | undefined>>();
  const brown = join(ctx.demoDir, 'brown-test-2000.txt');
  const corpus = (): string => {
    const saved = memento.get<string>(CORPUS_KEY);
    return saved && existsSync(saved) ? saved : brown;
  };

  /** The saved contexts of `model` over `text`, computed (with progress, cancellable) when missing or stale. */
  const contextsOf = async (model: string, text: string): Promise<string | undefined> => {
    const s = ctx.services.settings();
    const results = ctx.services.results;
    results.ensureDir();
    const digest = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 8);
    const safe = (v: string) => v.replace(/[^\w.-]+/g, '_');
    const out = join(results.dir, `contexts-${safe(ctx.modelName(model))}-${digest(modelIdentity(model))}-${s.aggregation}-${s.sites}-${safe(basename(text))}-${digest(resolve(text))}.json`);
    const job: ContextsJob = { kind: 'contexts', model, input: text, out, top: DEFAULTS.contexts.top, ...ctx.jobBasics() };
    if (isFresh(ctx, job)) return out;
    let run = running.get(out);
    if (!run) {
      run = ctx.runJob(`Top contexts of every neuron of ${ctx.modelName(model)} over ${basename(text)} (once per model and corpus)`, job).then((r) => r?.path);
      running.set(out, run);
      void run.finally(() => running.delete(out));
    }
    return run;
  };

  const show = async (arg?: unknown): Promise<void> => {
    if (!(await ctx.requireTrust('Show Top Contexts'))) return;
    const model = await ctx.currentModel();
    if (!model) return;
    let neuron = neuronArg(arg) ?? ctx.state.neuron?.neuron;
    if (neuron === undefined) {
      // No neuron yet: Show Neuron asks for one (a top neuron of the probe, an id or site:unit).
      await vscode.commands.executeCommand('grain.showNeuron');
      neuron = ctx.state.neuron?.neuron;
      if (neuron === undefined) return;
    }
    const path = await contextsOf(model, corpus());
    if (!path) return;
    const read = ctx.services.results.read(path);
    if (read.kind !== 'contexts') return;
    const at = locateNeuron(read.result.sites, neuron);
    if (!at) {
      void showError(`${ctx.modelName(model)} has no neuron ${neuron} (it has ${read.result.neurons})`);
      return;
    }
    // The report follows Grain's selected neuron, and so do the editor's colours.
    ctx.state.setNeuron(at);
    ctx.log.info(`top contexts: ${neuronTitle(read.result.sites, neuron)} from ${path}`);
    await vscode.commands.executeCommand('grain.openReport', vscode.Uri.file(path));
  };

  const chooseCorpus = async (): Promise<void> => {
    const current = corpus();
    type Item = vscode.QuickPickItem & { pick: 'brown' | 'file' | 'folder' };
    const items: Item[] = [
      { label: 'Brown test sentences', description: current === brown ? 'in use' : 'models/brown-test-2000.txt, bundled', pick: 'brown' },
      { label: 'A text file...', description: 'one sentence per line', pick: 'file' },
      { label: 'A folder of text files...', description: `${DEFAULTS.contexts.extensions.join(', ')} files at any depth`, pick: 'folder' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Grain: corpus for top contexts', placeHolder: `Now: ${current}` });
    if (!picked) return;
    let chosen: string | undefined = brown;
    if (picked.pick !== 'brown') {
      const folder = picked.pick === 'folder';
      const uris = await vscode.window.showOpenDialog({
        canSelectFiles: !folder,
        canSelectFolders: folder,
        canSelectMany: false,
        openLabel: 'Use',
        title: folder ? 'Grain: a folder of text files (one sentence per line)' : 'Grain: a text file (one sentence per line)',
      });
      chosen = uris?.[0]?.fsPath;
      if (!chosen) return;
      try {
        corpusFiles(chosen, DEFAULTS.contexts.extensions);
      } catch (e) {
        void showError(e, { what: 'Choosing the corpus for top contexts', log: ctx.log });
        return;
      }
    }
    await memento.update(CORPUS_KEY, chosen === brown ? undefined : chosen);
    ctx.log.info(`top contexts corpus: ${chosen}`);
    if (ctx.state.neuron) await show(ctx.state.neuron.neuron);
  };

  commands.register('grain.showContexts', show);
  commands.register('grain.chooseContextsCorpus', chooseCorpus);
}

/** Whether the job's output already holds what it asks for (checked here so a saved answer needs no worker round trip). */
function isFresh(ctx: CommandContext, job: ContextsJob): boolean {
  if (!existsSync(job.out)) return false;
  try {
    const read = ctx.services.results.read(job.out);
    if (read.kind !== 'contexts') return false;
    const { modelPath } = resolveModelPath(job.model);
    return contextsAnswer(read.result, { modelPath, files: corpusFiles(job.input, DEFAULTS.contexts.extensions), aggregation: job.aggregation, sites: job.sites, top: job.top });
  } catch {
    return false;
  }
}
