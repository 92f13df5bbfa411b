// Probe This Concept: the selected words (or words / a regular expression typed in) as a binary
// concept over the Brown text or the open file, balanced, probed in the worker; the best neuron
// becomes the selected neuron, so the open file is coloured by it.
import * as vscode from 'vscode';
import { DEFAULTS } from '../../shared/defaults';
import type { ConceptData, ConceptSpec, ProbeJob } from '../../shared/jobs';
import { classifierResult } from '../../shared/results';
import { neuronTitle } from '../../shared/neurons';
import { parseTyped, wordsOf } from './concept-input';
import type { CommandContext } from './context';
import { activeTextFile, brownData } from './analysis';
import { currentFileEditor } from '../editor/documents';

const { trainSentences, testSentences, minPositives } = DEFAULTS.concept;
/** Words of a selection that name the concept in its result file's name. */
const NAME_WORDS = 3;

/** The words of the editor's selections (each word once, in order), or none when nothing is selected. */
function selectedWords(editor: vscode.TextEditor | undefined): string[] {
  if (!editor) return [];
  return wordsOf(editor.selections.filter((sel) => !sel.isEmpty).map((sel) => editor.document.getText(sel)));
}

async function askConcept(): Promise<ConceptSpec | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'Grain: Probe This Concept',
    prompt: 'Words separated by commas (the, a, an), or a regular expression between slashes matched from the start of each word (/.*ly$/)',
    placeHolder: 'the, a, an   or   /.*ly$/',
    validateInput: (v) => {
      if (v.trim() === '') return undefined;
      const parsed = parseTyped(v);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  if (typed === undefined || typed.trim() === '') return undefined;
  const parsed = parseTyped(typed);
  return 'error' in parsed ? undefined : parsed;
}

function conceptName(spec: ConceptSpec): string {
  if (spec.kind === 'list') return spec.words.slice(0, NAME_WORDS).join('-') + (spec.words.length > NAME_WORDS ? '-etc' : '');
  if (spec.kind === 'regex') return `regex-${spec.pattern}`.slice(0, 40);
  return 'words';
}

type CorpusPick = vscode.QuickPickItem & { corpus: 'brown' | 'file' };

/** The text the concept is probed over: the Brown sentences (default) or the open file. */
async function pickCorpus(editor: vscode.TextEditor | undefined): Promise<'brown' | 'file' | undefined> {
  if (!editor) return 'brown';
  const items: CorpusPick[] = [
    { label: '$(book) Brown corpus', description: `${trainSentences.toLocaleString('en-US')} training / ${testSentences} test sentences of the demo split`, corpus: 'brown' },
    { label: `$(file) This file (${editor.document.uri.path.split('/').pop() ?? 'untitled'})`, description: 'one sentence per line; its last 10% of sentences are the test part', corpus: 'file' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: Probe This Concept: the text to find it in', placeHolder: 'Where the concept\'s words are labelled (every other word is the rest)' });
  return pick?.corpus;
}

export async function probeConceptCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Probe This Concept'))) return;
  const editor = currentFileEditor();
  const selected = selectedWords(editor);
  const concept: ConceptSpec | undefined = selected.length > 0 ? { kind: 'list', words: selected } : await askConcept();
  if (!concept) return;
  const corpus = await pickCorpus(editor);
  if (!corpus) return;
  const model = await ctx.currentModel();
  if (!model) return;

  let from: ConceptData['from'];
  let dispose: (() => void) | undefined;
  if (corpus === 'brown') {
    const brown = brownData(ctx, 'normalized', trainSentences, testSentences);
    if (!brown) return;
    from = brown;
  } else {
    const file = await activeTextFile(ctx);
    if (!file) return;
    from = { kind: 'text', input: file.path };
    dispose = file.dispose;
  }
  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`probe-${ctx.modelName(model)}-concept-${conceptName(concept)}`);
  const job: ProbeJob = {
    kind: 'probe',
    data: { kind: 'concept', concept, from, minPositives },
    model,
    ...ctx.jobBasics(),
    probe: { ...DEFAULTS.probe, balance: true },
    control: false,
    topPercentage: DEFAULTS.topPercentage,
    out,
  };
  let r;
  try {
    r = await ctx.runJob(`Probe This Concept (${ctx.modelName(model)})`, job);
  } finally {
    dispose?.();
  }
  if (!r) return;
  const loaded = await ctx.loadProbe(out);
  if (!loaded) return;
  const probe = classifierResult(loaded);
  const best = probe.ordering[0];
  if (best !== undefined) ctx.selectNeuron(best);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const top = probe.ordering.slice(0, 3).map((n) => neuronTitle(probe.sites, n)).join(', ');
  const what = probe.data.concept?.description ?? 'the concept';
  const message =
    `the concept (${what}): test accuracy ${pct(probe.test.accuracy)} on ${probe.test.rows.toLocaleString('en-US')} balanced test words (majority ${pct(probe.test.majorityBaseline)}); ` +
    `top neurons ${top}` +
    (best !== undefined ? `; the file is coloured by ${neuronTitle(probe.sites, best)}` : '');
  ctx.log.info(`Probe This Concept: ${message}; saved ${out}`);
  void vscode.window.showInformationMessage(`Grain: ${message}.`, 'Open Report').then((choice) => {
    if (choice === 'Open Report') void ctx.openReport(out);
  });
}
