// Reads a TreeDataProvider as the tree view shows it: rows with label, description, icon,
// tooltip and command, expanded on request.
import type * as vscode from 'vscode';
import { ThemeIcon, TreeItemCollapsibleState } from './types';

export interface Row<T> {
  element: T;
  label: string;
  description: string;
  /** Tooltip text (a MarkdownString's value). */
  tooltip: string;
  /** Codicon id of the icon ('' when none), and its theme colour id. */
  icon: string;
  iconColor?: string;
  contextValue?: string;
  command?: vscode.Command;
  collapsible: TreeItemCollapsibleState;
  id?: string;
  item: vscode.TreeItem;
}

export async function rowsOf<T>(provider: vscode.TreeDataProvider<T>, parent?: T): Promise<Row<T>[]> {
  const children = (await provider.getChildren(parent)) ?? [];
  const rows: Row<T>[] = [];
  for (const element of children) {
    const item = await provider.getTreeItem(element);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath instanceof ThemeIcon ? item.iconPath : undefined;
    rows.push({
      element,
      label,
      description: typeof item.description === 'string' ? item.description : '',
      tooltip: typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''),
      icon: icon?.id ?? '',
      iconColor: (icon?.color as { id?: string } | undefined)?.id,
      contextValue: item.contextValue,
      command: item.command,
      collapsible: item.collapsibleState ?? TreeItemCollapsibleState.None,
      id: item.id,
      item,
    });
  }
  return rows;
}

/** The row labelled `label` (or matching it) among `rows`; throws with the labels when there is none. */
export function row<T>(rows: Row<T>[], label: string | RegExp): Row<T> {
  const found = rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (!found) throw new Error(`no row ${label} in: ${rows.map((r) => r.label).join(' | ')}`);
  return found;
}

/** `label description` per row, as the view draws a row's text. */
export function texts<T>(rows: Row<T>[]): string[] {
  return rows.map((r) => `${r.label} ${r.description}`.trim());
}

/** Label -> description of the rows (for fact rows). */
export function facts<T>(rows: Row<T>[]): Map<string, string> {
  return new Map(rows.map((r) => [r.label, r.description]));
}
