import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Which bundle a webview runs: `dist/webview/<entry>/main.js` with `media/<entry>.css`. */
export type WebviewEntry = 'sidebar' | 'timeline';

/** Options every webview gets: scripts on, and only the bundle and media folders readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The whole HTML of a webview: a strict CSP, a fresh nonce, the shared and per-view stylesheets, and one module script. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: WebviewEntry, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'common.css')}">
<link rel="stylesheet" href="${asset('media', `${entry}.css`)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', entry, 'main.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
