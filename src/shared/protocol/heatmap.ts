/**
 * Messages between the extension host and the heat-map webview view (`grain.heatmap`): the open
 * file as words coloured by neurons (the selected one and the pinned ones, side by side).
 */

export const HEATMAP_VIEW_ID = 'grain.heatmap';

export interface HeatNeuron {
  id: number;
  /** `layer1:42` */
  label: string;
  selected: boolean;
  pinned: boolean;
}

/** One computation of the open file. Per-row arrays (words, or pieces in subword mode) in document order. */
export interface HeatmapData {
  /** Path relative to the workspace. */
  file: string;
  model: string;
  subword: boolean;
  neurons: HeatNeuron[];
  line: number[];
  start: number[];
  text: string[];
  /** 1 = computed; 0 = the line was longer than the model accepts and this word was cut off. */
  computed: number[];
  /** Per neuron (same order as `neurons`): value and z-score of each row. */
  values: number[][];
  z: number[][];
  /** Lines shown (the first ones) and lines in the file. */
  shownLines: number;
  totalLines: number;
}

/**
 * The second model beside the current one: the selected neuron and its partner there (the other
 * model's neuron best correlated with it), word by word over the file's first lines, each
 * standardised over those words.
 */
export interface SideBySide {
  model: string;
  other: string;
  neuron: { id: number; label: string };
  partner: { id: number; label: string };
  /** Pearson r of the two over this file's words, and how many words. */
  r: number;
  words: number;
  /** The saved correlation result that named the partner, with its r over its own text; absent when the partner was searched on this file. */
  from?: { file: string; r: number; rows: number };
  /** Per word (rows in document order). */
  line: number[];
  start: number[];
  text: string[];
  /** 1 when both models saw the word. */
  computed: number[];
  values: number[];
  partnerValues: number[];
  /** z-scores over this file's words, and z - sign(r) * partnerZ: where the two disagree. */
  z: number[];
  partnerZ: number[];
  diff: number[];
}

export type SidesView =
  /** No second model chosen. */
  | { state: 'off' }
  /** A second model, but nothing to show yet: computing, or why not (no neuron selected, ...). */
  | { state: 'waiting'; other: string; message: string }
  | { state: 'error'; other: string; message: string }
  | { state: 'data'; data: SideBySide };

/** Host -> view. */
export type HostToHeatmap =
  | { type: 'data'; data: HeatmapData }
  | { type: 'sides'; sides: SidesView }
  /** Nothing to show, and why (no text file, no model, no neuron, untrusted workspace). */
  | { type: 'empty'; message: string }
  | { type: 'busy' }
  | { type: 'error'; message: string };

/** View -> host. */
export type HeatmapToHost =
  /** Sent once the script runs, with the view's saved subword toggle. */
  | { type: 'ready'; subword: boolean }
  | { type: 'subword'; subword: boolean }
  /** Make this neuron the selected one (colours the editor). */
  | { type: 'show'; neuron: number }
  | { type: 'unpin'; neuron: number }
  /** Open the neuron's top contexts over the corpus. */
  | { type: 'contexts'; neuron: number }
  | { type: 'reveal'; line: number; character: number }
  /** Grain: Choose Second Model... / Clear Second Model. */
  | { type: 'chooseSecond' }
  | { type: 'clearSecond' };

/** What the view keeps with getState/setState. */
export interface HeatmapState {
  subword: boolean;
  /** Neurons whose column the user hid. */
  hidden: number[];
  data?: HeatmapData;
  sides?: SidesView;
  /** Colour the second model's section by where the two neurons disagree. */
  diff?: boolean;
}
