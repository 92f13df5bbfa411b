// Pinned neurons: shown side by side in the heat-map view. Kept per workspace.
import * as vscode from 'vscode';

export class Pins implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<number[]>();
  readonly onDidChange = this.emitter.event;
  private ids: number[];

  constructor(private readonly memento: vscode.Memento) {
    const saved = memento.get<unknown>('grain.pinnedNeurons');
    this.ids = Array.isArray(saved) ? saved.filter((x): x is number => Number.isInteger(x) && x >= 0) : [];
  }

  get all(): number[] {
    return this.ids.slice();
  }

  has(id: number): boolean {
    return this.ids.includes(id);
  }

  /** Pins, or unpins a pinned neuron; returns whether it is pinned now. */
  toggle(id: number): boolean {
    const pinned = !this.has(id);
    this.set(pinned ? [...this.ids, id] : this.ids.filter((x) => x !== id));
    return pinned;
  }

  set(ids: number[]): void {
    this.ids = [...new Set(ids)];
    void this.memento.update('grain.pinnedNeurons', this.ids);
    this.emitter.fire(this.all);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
