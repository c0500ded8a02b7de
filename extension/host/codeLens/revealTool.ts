import * as vscode from 'vscode';
import type { InspectorModelReader } from '../../contract/inspectorSnapshot';
import type { ToolRegistration } from './analyzeSource';
import { analyzeDocumentText } from './analyzeDocumentText';
import { countOf } from '../../contract/describe';

const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
// node_modules holds other packages' servers, not the user's, and files.exclude does not list it by default.
const EXCLUDED_GLOB = '{**/node_modules/**,**/.git/**}';
const MAX_FILES_SEARCHED = 5000;
/** Build output repeats the source; a registration there is only used when the source has none. */
const BUILD_OUTPUT = /(^|[\\/])(dist|out|build)[\\/]|\.d\.[cm]?ts$|\.min\.js$/;
/** Tests and their fixtures register look-alike tools; they are offered only when nothing else registers any. */
const TEST_CODE = /(^|[\\/])(test|tests|__tests__|spec|fixtures?)[\\/]|\.(test|spec)\.[cm]?[jt]sx?$/;
/** Cheap text checks that rule out most files before parsing them. */
const REGISTRATION_HINTS = ['registerTool', '.tool(', 'CallToolRequestSchema', 'tools/call'];

/** Where a tool is registered, as `lockInspector.revealTool` returns it. */
export interface RevealedTool {
  readonly tool: string;
  readonly uri: string;
  /** Zero-based, like vscode.Position. */
  readonly line: number;
  readonly character: number;
}

/**
 * `lockInspector.revealTool`: opens the registration of a tool (`{ tool }` or the name alone), found by analysing
 * the workspace's TypeScript and JavaScript files; without an argument, asks which tool from those the workspace registers.
 */
export async function revealTool(argument: unknown, model: InspectorModelReader): Promise<RevealedTool | undefined> {
  const requested = toolOf(argument);
  const found = await findRegistrations(requested);
  const registration = requested === undefined ? await pickRegistration(found, model) : found.find((candidate) => candidate.registration.tool === requested);
  if (requested === undefined && !registration) return undefined;
  const tool = requested ?? registration!.registration.tool!;
  if (!registration) {
    void vscode.window.showInformationMessage(`Lock Inspector: no registration of tool "${tool}" found in this workspace. Open the folder of the MCP server's source to jump to its handlers.`);
    return undefined;
  }
  const { start } = registration.registration.range;
  const position = new vscode.Position(start.line, start.character);
  await vscode.window.showTextDocument(registration.uri, { selection: new vscode.Range(position, position), preview: true });
  return { tool, uri: registration.uri.toString(), line: start.line, character: start.character };
}

function toolOf(argument: unknown): string | undefined {
  if (argument === undefined) return undefined;
  const tool = typeof argument === 'string' ? argument : (argument as { tool?: unknown } | null)?.tool;
  if (typeof tool !== 'string' || tool === '') {
    throw new Error(`lockInspector.revealTool takes { tool: "<name>" } or the name alone, not ${JSON.stringify(argument)}.`);
  }
  return tool;
}

interface FoundRegistration {
  readonly uri: vscode.Uri;
  readonly registration: ToolRegistration;
  /** 0 source, 1 test code, 2 build output: lower is offered first. */
  readonly tier: number;
}

function tierOf(uri: vscode.Uri): number {
  return BUILD_OUTPUT.test(uri.path) ? 2 : TEST_CODE.test(vscode.workspace.asRelativePath(uri)) ? 1 : 0;
}

/**
 * Registrations in the workspace (of `tool` only, when given) from the lowest tier that has any: source before
 * test code before build output, so a test fixture's look-alike never hides the server's own handler.
 */
async function findRegistrations(tool: string | undefined): Promise<FoundRegistration[]> {
  const uris = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDED_GLOB, MAX_FILES_SEARCHED);
  const ordered = uris.map((uri) => ({ uri, tier: tierOf(uri) })).sort((a, b) => a.tier - b.tier);
  const openDocuments = new Map(vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]));
  const found: FoundRegistration[] = [];
  for (const { uri, tier } of ordered) {
    if (found.length > 0 && tier > found[0]!.tier) break;
    const text = openDocuments.get(uri.toString())?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!REGISTRATION_HINTS.some((hint) => text.includes(hint)) || (tool !== undefined && !text.includes(tool))) continue;
    const analysis = await analyzeDocumentText(uri.fsPath, text, uri.scheme === 'file');
    for (const registration of analysis?.registrations ?? []) {
      if (registration.tool !== undefined && (tool === undefined || registration.tool === tool)) found.push({ uri, registration, tier });
    }
    if (tool !== undefined && found.length > 0) break;
  }
  return found;
}

/** One entry per registration, told apart by its relative path; tools the inspector has seen called come first, busiest first. */
async function pickRegistration(found: readonly FoundRegistration[], model: InspectorModelReader): Promise<FoundRegistration | undefined> {
  if (found.length === 0) {
    void vscode.window.showInformationMessage('Lock Inspector: no MCP tool registrations found in this workspace. Open the folder of the MCP server\'s source.');
    return undefined;
  }
  const callsByTool = new Map(model.snapshot().tools.map((view) => [view.tool, view.calls]));
  const ranked = [...found].sort(
    (a, b) => (callsByTool.get(b.registration.tool!) ?? -1) - (callsByTool.get(a.registration.tool!) ?? -1) || a.registration.tool!.localeCompare(b.registration.tool!),
  );
  const picked = await vscode.window.showQuickPick(
    ranked.map((entry) => {
      const calls = callsByTool.get(entry.registration.tool!);
      return {
        label: entry.registration.tool!,
        description: `${vscode.workspace.asRelativePath(entry.uri)}:${entry.registration.range.start.line + 1}`,
        detail: calls === undefined ? undefined : `${countOf(calls, 'call')} this session`,
        entry,
      };
    }),
    { placeHolder: 'Which tool handler to open?', matchOnDescription: true },
  );
  return picked?.entry;
}
