// grain concept: a binary concept probed on unlabelled text, a thin front over the probe job
// (the same job grain probe --concept-... runs, with the demo's Brown text by default).
import { runJob } from '../../jobs';
import type { ConceptData, ConceptSpec, ProbeJob } from '../../shared/jobs';
import { DEFAULTS } from '../../shared/defaults';
import { conceptRegex } from '../../core/corpus/concept';
import { GrainError } from '../../core/errors';
import { parseFlags, positiveInt, required, UsageError } from '../args';
import { cliContext, type Out } from '../context';
import { activationInputs, common, defaultBrownSplit, printProbe, probeSettings, topPercentage, type Flags } from './probe';

const { trainSentences, testSentences, minPositives } = DEFAULTS.concept;

export const conceptUsage = `grain concept --model DIR (--words w1,w2 | --regex RE | --wordlist FILE) --out concept.json
              [--input FILE [--test-input FILE]] [--unbalanced] [--seed N] [--control] [probe options]
  Probes a binary concept: every word of a text is the concept ('positive') or not ('negative'),
  the negatives are cut at random to as many as the positives (NeuroX's balancing, seeded by
  --seed, in the train and test part each; --unbalanced keeps every word), and an elastic-net probe
  is trained and ranked as grain probe does (its result is a grain.probe, the same as
  grain probe --concept-words/--concept-regex --balance).
  Concept, one of:
    --words w1,w2        these words (comma-separated, exact, case-sensitive)
    --regex RE           words a JavaScript regular expression matches from their first character ('.*ly$')
    --wordlist FILE      the words listed in FILE (separated by spaces or lines)
  Text (unlabelled, one sentence per line, words split on spaces):
    default              the demo's Brown text: the first ${trainSentences.toLocaleString('en-US')} training and ${testSentences} test sentences of
                         models/brown-split.json (--train-sentences N, --test-sentences N); its tags are not used
    --input FILE         your text; its last 10% of sentences are the test part (the same split every run),
                         or --test-input FILE
  The concept must hold at least ${minPositives} words in the training part and in the test part each.
  Probe options as grain probe: --mode, --l1, --l2, --epochs, --layers, --top, --metric, --neurox-order,
  --control [--control-sampling ...]; extraction: --variant, --aggregation, --sites, --ignore-embeddings,
  --batch, --threads.`;

const PICK = [
  'input', 'test-input', 'train-sentences', 'test-sentences', 'split', 'model', 'variant', 'aggregation', 'sites', 'batch', 'threads',
  'mode', 'l1', 'l2', 'epochs', 'layers', 'min-count', 'rare', 'seed', 'top', 'neurox-order', 'ignore-embeddings', 'out', 'metric',
  'control-sampling', 'control-ignore-case',
] as const;

/** --words, --regex or --wordlist: exactly one. */
function conceptOfFlags(f: Flags): ConceptSpec {
  const given = (['words', 'regex', 'wordlist'] as const).filter((k) => f[k] !== undefined);
  if (given.length === 0) throw new UsageError('give a concept: --words w1,w2, --regex RE or --wordlist FILE');
  if (given.length > 1) throw new UsageError(`give one concept: ${given.map((k) => `--${k}`).join(' and ')} were both given`);
  if (f.words !== undefined) {
    const words = (f.words as string).split(',').map((w) => w.trim()).filter(Boolean);
    if (words.length === 0) throw new UsageError('--words needs words, separated by commas: --words the,a,an');
    const spaced = words.find((w) => /\s/.test(w));
    if (spaced) throw new UsageError(`--words takes single words (a word of the text has no spaces): '${spaced}'`);
    return { kind: 'list', words };
  }
  if (f.regex !== undefined) {
    const pattern = f.regex as string;
    if (pattern === '') throw new UsageError("--regex is empty: give a regular expression, e.g. '.*ly$'");
    try {
      conceptRegex(pattern);
    } catch (e) {
      if (e instanceof GrainError) throw new UsageError(`--regex: ${e.message}`);
      throw e;
    }
    return { kind: 'regex', pattern };
  }
  return { kind: 'words', file: required(f, 'wordlist') };
}

function textOfFlags(f: Flags): ConceptData['from'] {
  if (f.input === undefined) {
    if (f['test-input'] !== undefined) throw new UsageError('--test-input goes with --input');
    return {
      kind: 'brown',
      split: (f.split as string | undefined) ?? defaultBrownSplit(),
      tagset: 'normalized',
      trainSentences: f['train-sentences'] ? positiveInt('train-sentences', f['train-sentences'] as string) : trainSentences,
      testSentences: f['test-sentences'] ? positiveInt('test-sentences', f['test-sentences'] as string) : testSentences,
    };
  }
  for (const k of ['train-sentences', 'test-sentences', 'split'] as const) if (f[k] !== undefined) throw new UsageError(`--${k} chooses Brown sentences; with --input the text is all of FILE`);
  return { kind: 'text', input: required(f, 'input'), testInput: f['test-input'] as string | undefined };
}

export function conceptJobFromArgs(argv: string[]): ProbeJob {
  const f = parseFlags(argv, {
    ...Object.fromEntries(PICK.map((k) => [k, common[k]])),
    words: { type: 'string' },
    regex: { type: 'string' },
    wordlist: { type: 'string' },
    unbalanced: { type: 'boolean', default: false },
    control: { type: 'boolean', default: false },
  }) as Flags;
  if (f.control !== true && (f['control-sampling'] !== 'same' || f['control-ignore-case'] === true)) {
    throw new UsageError('--control-sampling and --control-ignore-case set up the control task: give --control too');
  }
  if (f.model === undefined) throw new UsageError('--model is required');
  const concept = conceptOfFlags(f);
  const data: ConceptData = { kind: 'concept', concept, from: textOfFlags(f), minPositives };
  const probe = probeSettings({ ...f, balance: f.unbalanced !== true });
  return { kind: 'probe', data, ...activationInputs(f), probe, control: f.control === true, topPercentage: topPercentage(f), out: required(f, 'out') };
}

export async function conceptCommand(argv: string[], out: Out): Promise<void> {
  const job = conceptJobFromArgs(argv);
  printProbe(await runJob(job, cliContext(out)), job.out, out);
}
