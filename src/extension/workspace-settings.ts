// What a workspace's own .vscode/settings.json lists in grain.modelPaths, read from the file:
// in Restricted Mode VS Code leaves that value out (it is a restricted setting), but the Models
// view still shows the folders, as needing trust, rather than dropping them without a word.
// Nothing is read from the folders themselves. No `vscode` import (unit-tested).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The grain.modelPaths entries of `<folder>/.vscode/settings.json` (JSON with comments); [] when none or unreadable. */
export function workspaceModelPaths(folder: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(folder, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return [];
  }
  try {
    const value = (JSON.parse(stripJsonc(text)) as Record<string, unknown>)['grain.modelPaths'];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
  } catch {
    return [];
  }
}

/** JSON with comments and trailing commas (VS Code's settings files) as plain JSON. */
export function stripJsonc(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      // A string, escapes included, as it is.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
