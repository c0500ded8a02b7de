import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewDocument, type WebviewEntry } from './webviewDocument';

/** Options every webview gets: scripts on, and only the bundle and media folders readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The HTML of a webview with a fresh nonce (crypto.randomBytes) and asset URLs the webview may load. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: WebviewEntry, title: string): string {
  return webviewDocument({
    entry,
    title,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    assetUrl: (...segments) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString(),
  });
}
