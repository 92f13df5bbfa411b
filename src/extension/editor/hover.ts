// Hover on a word of a plain-text document: its strongest neurons by z-score, the selected
// neuron's value and rank, the probe's prediction, with links to show or pin a neuron.
import * as vscode from 'vscode';
import { neuronTitle } from '../../shared/neurons';
import { descriptionGist, descriptionsOf } from '../../shared/descriptions';
import { wordSpans } from '../../core/text/words';
import type { GrainServices } from '../services';
import { EditorAnalysis, LineCache, requestKey, type LineRequest, type LineWords } from './analysis';
import type { HeatDecorations } from './decorations';
import { TOP_K } from './decorations';
import { isHeatDocument, probeFor } from './documents';
import type { Pins } from './pins';

export const HOVER_COMMANDS = ['grain.showNeuron', 'grain.pinNeuron', 'grain.showContexts'];
/** VS Code's own command behind "Manage Workspace Trust". */
const TRUST_COMMAND = 'workbench.trust.manage';

export class HeatHover implements vscode.HoverProvider {
  /** Single lines computed for hovers outside decorated lines, by document. */
  private readonly own = new Map<string, LineCache>();

  constructor(
    private readonly services: GrainServices,
    private readonly analysis: EditorAnalysis,
    private readonly decorations: HeatDecorations,
    private readonly pins: Pins,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!isHeatDocument(doc)) return undefined;
    const text = doc.lineAt(pos.line).text;
    const span = wordSpans(text).find((s) => s.start <= pos.character && pos.character < s.end);
    if (!span) return undefined;
    if (!vscode.workspace.isTrusted) return this.untrusted(new vscode.Range(pos.line, span.start, pos.line, span.end));
    const model = this.analysis.model();
    if (!model) return undefined;

    let lw = this.decorations.cacheOf(doc)?.valid(doc, pos.line);
    let cache = this.decorations.cacheOf(doc);
    if (!lw || !cache) {
      const stats = await this.analysis.ensureStats(model);
      if (!stats || token.isCancellationRequested) return undefined;
      const selected = this.services.state.neuron?.neuron;
      const probe = probeFor(this.services.state.probe, model);
      const req: LineRequest = {
        model,
        stats,
        wanted: selected !== undefined && selected < stats.neurons ? [selected] : [],
        subword: false,
        topK: TOP_K,
        probe: probe && 'path' in probe ? probe.path : undefined,
      };
      const key = requestKey(req);
      cache = this.own.get(doc.uri.toString());
      if (!cache || cache.key !== key) {
        cache = new LineCache(key, req);
        this.own.set(doc.uri.toString(), cache);
      }
      lw = cache.valid(doc, pos.line);
      if (!lw) {
        const run = this.analysis.run(req, [{ line: pos.line, text }]);
        const sub = token.onCancellationRequested(() => run.cancel());
        try {
          cache.add(await run.result, new Map([[pos.line, text]]));
        } catch (e) {
          this.analysis.report('hover', e);
          return undefined;
        } finally {
          sub.dispose();
        }
        lw = cache.valid(doc, pos.line);
      }
    }
    if (!lw) return undefined;
    const i = Array.from(lw.start).findIndex((s, k) => s === span.start && lw!.end[k] === span.end);
    if (i < 0) return undefined;
    const md = this.render(cache, lw, i, model.name);
    return new vscode.Hover(md, new vscode.Range(pos.line, span.start, pos.line, span.end));
  }

  /**
   * Restricted Mode: a hover says why there are no neurons (once the user has a model or a neuron,
   * so plain text stays quiet for everyone else), with the way to trust the workspace.
   */
  private untrusted(range: vscode.Range): vscode.Hover | undefined {
    if (!this.services.state.model && !this.services.state.neuron) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [TRUST_COMMAND] };
    md.appendMarkdown(
      `**Grain** · no neurons here: hovers run the model on this text, which Restricted Mode does not allow. ` +
        `[Manage Workspace Trust](command:${TRUST_COMMAND} "Trust this workspace to run models on its files")`,
    );
    return new vscode.Hover(md, range);
  }

  private render(cache: LineCache, lw: LineWords, i: number, modelName: string): vscode.MarkdownString {
    const req = cache.request;
    const sites = req.stats?.siteInfo ?? [];
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    md.appendMarkdown(`**Grain** · \`${escapeCode(lw.word[i])}\` · ${escapeMd(modelName)}\n\n`);
    if (!lw.computed[i]) {
      md.appendMarkdown(`*Not computed: this line is longer than the model's maximum of ${cache.maxLength ?? '?'} tokens, and this word comes after the cut.*`);
      return md;
    }
    const link = (cmd: string, label: string, id: number, tip: string) =>
      `[${label}](command:${cmd}?${encodeURIComponent(JSON.stringify([id]))} "${tip}")`;

    // Descriptions only from a probe of this model (req.probe is set only then).
    const described = req.probe ? descriptionsOf(this.services.state.probe?.result) : new Map<number, string>();
    const selected = this.services.state.neuron;
    if (selected && req.wanted[0] === selected.neuron) {
      const v = lw.values[i * req.wanted.length];
      const z = lw.z[i * req.wanted.length];
      const ordering = this.services.state.probe?.result.ordering;
      const rank = ordering ? ordering.indexOf(selected.neuron) : -1;
      const rankText = ordering ? (rank >= 0 ? ` · rank ${rank + 1} of ${ordering.length} in the current probe` : ' · not ranked by the current probe') : '';
      const about = described.get(selected.neuron);
      md.appendMarkdown(`Selected **${escapeMd(neuronTitle(sites, selected.neuron))}**: value **${fmt(v)}**, z ${signed(z)}${rankText}${about ? ` · *${escapeMd(about)}*` : ''}\n\n`);
    }
    if (lw.predicted && cache.classes && lw.predicted[i] >= 0) {
      md.appendMarkdown(`Probe: **${escapeMd(cache.classes[lw.predicted[i]])}** (${(lw.probability![i] * 100).toFixed(1)}%)\n\n`);
    } else {
      const model = this.analysis.model();
      const probe = model ? probeFor(this.services.state.probe, model) : undefined;
      if (probe && 'skipped' in probe) md.appendMarkdown(`*No probe prediction: ${escapeMd(probe.skipped)}.*\n\n`);
    }
    const k = req.topK;
    if (k > 0) {
      md.appendMarkdown(`| strongest neurons | value | z | |\n|---|--:|--:|---|\n`);
      for (let t = 0; t < k; t++) {
        const id = lw.topIds[i * k + t];
        if (id < 0) continue;
        const pinned = this.pins.has(id);
        const about = described.get(id);
        md.appendMarkdown(
          `| ${escapeMd(neuronTitle(sites, id))}${about ? ` · *${escapeMd(descriptionGist(about))}*` : ''} | ${fmt(lw.topValues[i * k + t])} | ${signed(lw.topZ[i * k + t])} | ` +
            `${link('grain.showNeuron', 'show', id, 'Colour the editor by this neuron')} · ${link('grain.pinNeuron', pinned ? 'unpin' : 'pin', id, pinned ? 'Remove from the heat-map view' : 'Keep in the heat-map view')} · ` +
            `${link('grain.showContexts', 'contexts', id, 'The corpus sentences where this neuron fires most and least')} |\n`,
        );
      }
      md.appendMarkdown(`\n*z-scores against ${req.stats?.rows ?? '?'} words of the corpus statistics.*`);
    }
    return md;
  }
}

export function fmt(v: number): string {
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}
export function signed(z: number): string {
  return `${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(2)}`;
}
function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
function escapeCode(s: string): string {
  return s.replace(/`/g, "'");
}
