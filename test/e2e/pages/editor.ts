// The text editor: tabs, lines, typing, and the heat-map decorations Grain draws on the words.
import type { Locator, Page } from 'playwright-core';

export interface Overlay {
  top: number;
  left: number;
  width: number;
  color: string;
}

export class Editor {
  constructor(private readonly page: Page) {}

  tab(title: string | RegExp): Locator {
    return this.page.locator('.tab', { hasText: title }).first();
  }

  activeTab(title: string | RegExp): Locator {
    return this.page.locator('.tab.active', { hasText: title }).first();
  }

  /** The visible lines of the active text editor, top to bottom (Monaco's U+00A0 made spaces). */
  async lines(): Promise<string[]> {
    const lines = this.page.locator('.editor-instance .monaco-editor .view-lines .view-line');
    await lines.first().waitFor();
    const rows = await lines.evaluateAll((els) =>
      els.map((e) => ({ top: parseFloat((e as HTMLElement).style.top) || 0, text: (e.textContent ?? '').replace(/\u00a0/g, ' ') })),
    );
    return rows.sort((a, b) => a.top - b.top).map((r) => r.text);
  }

  /** Types at the end of the document. */
  async typeAtEnd(text: string): Promise<void> {
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.type(text);
  }

  /** Grain's heat decorations: position and computed background of every coloured overlay layer. */
  async heatOverlays(): Promise<Overlay[]> {
    return this.page.locator('.editor-instance .monaco-editor .view-overlays').first().evaluate((root) =>
      Array.from(root.querySelectorAll('div[class*="ced-"]'), (el) => {
        const e = el as HTMLElement;
        return {
          top: (e.parentElement as HTMLElement).offsetTop,
          left: parseFloat(e.style.left) || 0,
          width: parseFloat(e.style.width) || 0,
          color: getComputedStyle(e).backgroundColor,
        };
      }).filter((o) => o.width > 0 && o.color !== 'rgba(0, 0, 0, 0)' && o.color !== 'transparent'),
    );
  }

  /** Layers per coloured word ("top:left" -> how many overlays are stacked on it). */
  static depths(overlays: Overlay[]): Map<string, number> {
    const depth = new Map<string, number>();
    for (const o of overlays) depth.set(`${o.top}:${o.left}`, (depth.get(`${o.top}:${o.left}`) ?? 0) + 1);
    return depth;
  }

  /** The colours stacked on every coloured word ("top:left" -> its layers' backgrounds, bottom first). */
  static colours(overlays: Overlay[]): Map<string, string[]> {
    const words = new Map<string, string[]>();
    for (const o of overlays) words.set(`${o.top}:${o.left}`, [...(words.get(`${o.top}:${o.left}`) ?? []), o.color]);
    return words;
  }

  /** The editor's background and the colour of its text, as computed. */
  async colours(): Promise<{ background: string; foreground: string }> {
    return this.page.locator('.editor-instance .monaco-editor').first().evaluate((ed) => ({
      background: getComputedStyle(ed.querySelector('.monaco-editor-background') ?? ed).backgroundColor,
      foreground: getComputedStyle(ed.querySelector('.view-line span span') ?? ed).color,
    }));
  }

  /** The on-screen centre of `word` (a whole word) in the editor, or undefined. */
  async wordBox(word: string): Promise<{ x: number; y: number } | undefined> {
    return this.page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((root, w) => {
      for (const line of Array.from(root.querySelectorAll('.view-line'))) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = (n.textContent ?? '').replace(/\u00a0/g, ' ');
          const m = new RegExp(`(^|\\s)${w}(\\s|$)`).exec(text);
          if (!m) continue;
          const range = document.createRange();
          const at = m.index + m[1]!.length;
          range.setStart(n, at);
          range.setEnd(n, at + w.length);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      return undefined;
    }, word);
  }
}
