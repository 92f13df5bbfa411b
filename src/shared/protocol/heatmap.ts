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

/** Host -> view. */
export type HostToHeatmap =
  | { type: 'data'; data: HeatmapData }
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
  | { type: 'reveal'; line: number; character: number };

/** What the view keeps with getState/setState. */
export interface HeatmapState {
  subword: boolean;
  /** Neurons whose column the user hid. */
  hidden: number[];
  data?: HeatmapData;
}
