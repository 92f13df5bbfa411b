/**
 * Brown corpus tags: normalisation and the mapping to the 12 universal tags of Petrov, Das &
 * McDonald (2012), after their published en-brown.map.
 */

export type BrownTagset = 'raw' | 'normalized' | 'universal';

export const UNIVERSAL_TAGS = ['NOUN', 'VERB', 'ADJ', 'ADV', 'PRON', 'DET', 'ADP', 'NUM', 'CONJ', 'PRT', '.', 'X'] as const;
export type UniversalTag = (typeof UNIVERSAL_TAGS)[number];

/**
 * Drops what is not part of speech: the title/headline/citation markers `-tl`, `-hl`, `-nc`
 * (which stack, e.g. `nn-tl-hl`), the foreign-word prefix `fw-`, and the second half of a
 * contraction's compound tag (`pps+bez` -> `pps`, the tag of the first word of "it's").
 * The negation mark `*` stays: `do*` (don't) is a different tag from `do`.
 */
export function normalizeBrownTag(tag: string): string {
  let t = tag.toLowerCase();
  if (t.startsWith('fw-')) t = t.slice(3);
  const plus = t.indexOf('+');
  if (plus > 0) t = t.slice(0, plus);
  for (;;) {
    const stripped = t.replace(/-(tl|hl|nc)$/, '');
    if (stripped === t || stripped === '') break;
    t = stripped;
  }
  return t;
}

// Normalised Brown tag -> universal tag. The table is on normalised tags, so suffixed variants
// (`nn-tl`, ...) and compounds need no entries of their own.
const BROWN_UNIVERSAL: Record<string, UniversalTag> = {
  // punctuation
  '.': '.', ',': '.', ':': '.', '(': '.', ')': '.', '--': '.', "'": '.', "''": '.', '``': '.', '!': '.',
  // "not", "n't"
  '*': 'ADV',
  // pre-qualifiers, pre-quantifiers, post-determiners, articles
  abl: 'PRT', abn: 'PRT', abx: 'DET', ap: 'ADJ', 'ap$': 'PRT', at: 'DET',
  // be / do / have, with negated forms
  be: 'VERB', bed: 'VERB', 'bed*': 'VERB', bedz: 'VERB', 'bedz*': 'VERB', beg: 'VERB', bem: 'VERB', 'bem*': 'VERB',
  ben: 'VERB', ber: 'VERB', 'ber*': 'VERB', bez: 'VERB', 'bez*': 'VERB',
  do: 'VERB', 'do*': 'VERB', dod: 'VERB', 'dod*': 'VERB', doz: 'VERB', 'doz*': 'VERB',
  hv: 'VERB', 'hv*': 'VERB', hvd: 'VERB', 'hvd*': 'VERB', hvg: 'VERB', hvn: 'VERB', hvz: 'VERB', 'hvz*': 'VERB',
  md: 'VERB', 'md*': 'VERB',
  vb: 'VERB', vbd: 'VERB', vbg: 'VERB', vbn: 'VERB', vbz: 'VERB',
  // conjunctions: subordinating ones are adpositions in the universal tagset
  cc: 'CONJ', cs: 'ADP',
  // numerals: ordinals are adjectives
  cd: 'NUM', 'cd$': 'NUM', od: 'ADJ',
  // determiners, existential there
  dt: 'DET', 'dt$': 'DET', dti: 'DET', dts: 'DET', dtx: 'DET', ex: 'DET', wdt: 'DET',
  // prepositions
  in: 'ADP',
  // adjectives
  jj: 'ADJ', 'jj$': 'ADJ', jjr: 'ADJ', jjs: 'ADJ', jjt: 'ADJ',
  // nouns, proper and adverbial nouns, nominal pronouns (everybody, nothing)
  nn: 'NOUN', 'nn$': 'NOUN', nns: 'NOUN', 'nns$': 'NOUN', np: 'NOUN', 'np$': 'NOUN', nps: 'NOUN', 'nps$': 'NOUN',
  nr: 'NOUN', 'nr$': 'NOUN', nrs: 'NOUN', pn: 'NOUN', 'pn$': 'NOUN',
  // personal and wh- pronouns
  'pp$': 'PRON', 'pp$$': 'PRON', ppl: 'PRON', ppls: 'PRON', ppo: 'PRON', pps: 'PRON', ppss: 'PRON',
  'wp$': 'PRON', wpo: 'PRON', wps: 'PRON',
  // qualifiers and adverbs
  ql: 'ADV', qlp: 'ADV', rb: 'ADV', 'rb$': 'ADV', rbr: 'ADV', rbt: 'ADV', rn: 'ADV', wql: 'ADV', wrb: 'ADV',
  // particles, infinitival to
  rp: 'PRT', to: 'PRT',
  // interjections, untagged words, bare foreign-word tag
  uh: 'X', nil: 'X', fw: 'X',
};

/** The universal tag of a Brown tag (raw or normalised), or undefined if it is not a Brown tag. */
export function brownToUniversal(tag: string): UniversalTag | undefined {
  const n = normalizeBrownTag(tag);
  return Object.prototype.hasOwnProperty.call(BROWN_UNIVERSAL, n) ? BROWN_UNIVERSAL[n] : undefined;
}
