// The one way Grain opens a webview: options and HTML shell shared by every webview app.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * Scripts only from dist/webview and styles/icons only from media: a webview can read nothing
 * else of the extension or the workspace.
 */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Applies the options; a restored panel comes back with the options of the session that made it. */
export function prepareWebview(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  webview.options = webviewOptions(extensionUri);
}

export interface WebviewPage {
  /** The app bundle dist/webview/<app>.js (one per webview/<app>/main.ts). */
  app: string;
  title: string;
}

/**
 * The page that loads one app bundle under a strict CSP: the only script that runs is ours,
 * marked with a fresh nonce per render; styles come from media/ and the elements' inline styles.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.app}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>${escapeHtml(page.title)}</title>
</head>
<body>
  <main id="app" data-app="${escapeHtml(page.app)}"></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
