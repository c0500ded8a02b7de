/** Which bundle a webview runs: `dist/webview/<entry>/main.js` with `media/<entry>.css`. */
export type WebviewEntry = 'sidebar' | 'timeline';

/** What the document needs from its host: where assets live and what the CSP may allow. */
export interface WebviewDocumentOptions {
  readonly entry: WebviewEntry;
  readonly title: string;
  /** The origin assets are served from (`webview.cspSource` in VS Code). */
  readonly cspSource: string;
  /** Fresh for every document; only scripts carrying it run. */
  readonly nonce: string;
  /** URL of an asset under the extension root, by path segments. */
  assetUrl(...segments: string[]): string;
}

/** The whole HTML of a webview: a strict CSP, the shared and per-view stylesheets, and one module script. No 'vscode' here, so tests render the very same document in a browser. */
export function webviewDocument(options: WebviewDocumentOptions): string {
  const { entry, cspSource, nonce, assetUrl } = options;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${assetUrl('media', 'common.css')}">
<link rel="stylesheet" href="${assetUrl('media', `${entry}.css`)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${assetUrl('dist', 'webview', entry, 'main.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
