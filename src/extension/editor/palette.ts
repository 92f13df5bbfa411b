// The heat palette: a fixed set of decoration types created once. A bin k word is covered by
// the first k layers of its sign; each layer is a translucent overlay of the theme colour, so
// stronger bins are drawn with more layers and look deeper, in any theme.
import * as vscode from 'vscode';
import { HEAT_EDGES } from '../../core/heat/z-scores';

export const HEAT_LEVELS = HEAT_EDGES.length;

export interface HeatWord {
  range: vscode.Range;
  /** Signed bin from heatBin: -HEAT_LEVELS..HEAT_LEVELS. */
  bin: number;
}

export class HeatPalette implements vscode.Disposable {
  private readonly positive: vscode.TextEditorDecorationType[] = [];
  private readonly negative: vscode.TextEditorDecorationType[] = [];
  private readonly notComputed: vscode.TextEditorDecorationType;

  constructor() {
    for (let k = 0; k < HEAT_LEVELS; k++) {
      const strongest = k === HEAT_LEVELS - 1;
      this.positive.push(layer('grain.heat.positive', strongest));
      this.negative.push(layer('grain.heat.negative', strongest));
    }
    this.notComputed = vscode.window.createTextEditorDecorationType({
      textDecoration: 'underline dotted',
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
  }

  apply(editor: vscode.TextEditor, words: readonly HeatWord[], notComputed: readonly vscode.Range[]): void {
    for (let k = 0; k < HEAT_LEVELS; k++) {
      editor.setDecorations(this.positive[k], words.filter((w) => w.bin > k).map((w) => w.range));
      editor.setDecorations(this.negative[k], words.filter((w) => w.bin < -k).map((w) => w.range));
    }
    editor.setDecorations(this.notComputed, notComputed as vscode.Range[]);
  }

  clear(editor: vscode.TextEditor): void {
    this.apply(editor, [], []);
  }

  dispose(): void {
    for (const d of [...this.positive, ...this.negative, this.notComputed]) d.dispose();
  }
}

function layer(color: string, strongest: boolean): vscode.TextEditorDecorationType {
  const theme = new vscode.ThemeColor(color);
  return vscode.window.createTextEditorDecorationType({
    backgroundColor: theme,
    borderRadius: '2px',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    ...(strongest ? { overviewRulerColor: theme, overviewRulerLane: vscode.OverviewRulerLane.Center } : {}),
  });
}
