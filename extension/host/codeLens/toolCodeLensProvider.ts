import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import type { InspectorModelReader, InspectorSnapshot } from '../../contract/inspectorSnapshot';
import { Disposable } from '../dispose';
import type { SourceAnalysis, SourceRange } from './analyzeSource';
import { AnalysisCache } from './analysisCache';
import { analyzeDocumentText, preloadAnalyzer } from './analyzeDocumentText';
import { type LensContent, lockSiteLenses, toolLenses } from './lensContent';
import { type SiteWarning, warningsAtSites } from './lockSiteWarnings';
import { ANNOTATE_READ_ONLY_TITLE, type ReadOnlyHintSite, readOnlyHintSites } from './readOnlyAnnotation';
import { Throttle } from '../../inspector/throttle';
import { LENS_REFRESH_INTERVAL_MS } from '../views/viewCadence';
import { revealTool } from './revealTool';

/** The languages whose files get lenses, in any scheme (saved files and untitled ones). */
export const ANALYSED_LANGUAGES: vscode.DocumentSelector = [
  { language: 'typescript' },
  { language: 'javascript' },
  { language: 'typescriptreact' },
  { language: 'javascriptreact' },
];

const DIAGNOSTIC_SOURCE = 'Lock Inspector';

/** The `code` of the diagnostic at a registration the inspector saw taking only read locks. */
export const READ_ONLY_HINT_DIAGNOSTIC_CODE = 'readOnlyHint';

/** How long lenses of an edited file wait for its new analysis before placeholders stand in for them. */
const PLACEHOLDER_AFTER_MS = 150;

/** Lines that likely get a lens (a tool registration or a lock site): where placeholders go while the analysis runs. */
const LIKELY_LENS_LINE = /\b(registerTool(?:Task)?|tool|withLocks?|setRequestHandler)\s*\(/;

/** The title of a lens whose figures are still being worked out; it holds the line so the code does not jump. */
export const PLACEHOLDER_LENS_TITLE = '$(sync~spin) Lock Inspector: reading this file…';

/**
 * Code lenses over MCP tool registrations and `withLock` sites, showing the model's live figures, and the
 * model's lock warnings as diagnostics at the sites they concern, with quick fixes that open the timeline; a tool
 * seen taking only read locks gets a diagnostic at its registration whose quick fix annotates it `readOnlyHint`.
 */
export class ToolCodeLensProvider extends Disposable implements vscode.CodeLensProvider, vscode.CodeActionProvider {
  private readonly analyses = new AnalysisCache<Promise<SourceAnalysis | undefined>>();
  private readonly didChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('lockInspector'));
  private readonly siteWarningsByUri = new Map<string, SiteWarning[]>();
  private readonly readOnlyHintsByUri = new Map<string, ReadOnlyHintSite[]>();
  private readonly refresh = new Throttle(LENS_REFRESH_INTERVAL_MS, () => this.refreshNow());

  /** Fires, coalesced, when the model's figures change. */
  readonly onDidChangeCodeLenses = this.didChangeCodeLenses.event;

  constructor(private readonly model: InspectorModelReader) {
    super();
    const unsubscribe = model.subscribe(() => this.refresh.request());
    this._register({ dispose: unsubscribe });
    this._register({ dispose: () => this.refresh.cancel() });
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.analyses.delete(document.uri.toString());
        this.siteWarningsByUri.delete(document.uri.toString());
        this.readOnlyHintsByUri.delete(document.uri.toString());
        this.diagnostics.delete(document.uri);
      }),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (this.analyses.peek(document.uri.toString()) === undefined) {
      // A file seen for the first time: its analysis runs synchronously for a while, so answer with placeholders
      // first and analyse on the next turn; the change event then brings the figures.
      void new Promise((resolve) => setImmediate(resolve)).then(() => this.analysisOf(document)).then(() => this.didChangeCodeLenses.fire());
      return placeholderLenses(document);
    }
    const pending = this.analysisOf(document);
    const analysis = await Promise.race([pending, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), PLACEHOLDER_AFTER_MS))]);
    if (analysis === 'late') {
      // VS Code lays the lenses out as they first come; placeholders on the likely lines keep the code still when the real ones replace them.
      void pending.then(() => this.didChangeCodeLenses.fire());
      return placeholderLenses(document);
    }
    if (!analysis) return [];
    const snapshot = this.model.snapshot();
    const siteWarnings = this.updateDiagnostics(document, analysis, snapshot);
    const contents = [
      ...analysis.registrations.flatMap((registration) => toolLenses(registration, snapshot)),
      ...analysis.lockSites.flatMap((site) => lockSiteLenses(site, snapshot, siteWarnings.filter((warning) => warning.site === site).reduce((sum, warning) => sum + warning.warnings, 0))),
    ];
    return contents.map(toCodeLens);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const siteWarnings = this.siteWarningsByUri.get(document.uri.toString()) ?? [];
    const readOnlyHints = this.readOnlyHintsByUri.get(document.uri.toString()) ?? [];
    return context.diagnostics
      .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)
      .flatMap((diagnostic) => {
        if (codeValue(diagnostic) === READ_ONLY_HINT_DIAGNOSTIC_CODE) {
          const hint = readOnlyHints.find((candidate) => toRange(candidate.range).isEqual(diagnostic.range));
          return hint ? [annotateReadOnly(document, hint, diagnostic)] : [];
        }
        const siteWarning = siteWarnings.find((candidate) => toRange(candidate.site.range).start.isEqual(diagnostic.range.start) && candidate.kind === codeValue(diagnostic));
        return siteWarning ? quickFixes(siteWarning, diagnostic) : [];
      });
  }

  private async analysisOf(document: vscode.TextDocument): Promise<SourceAnalysis | undefined> {
    return this.analyses.get(document.uri.toString(), document.version, () =>
      analyzeDocumentText(document.fileName, document.getText(), document.uri.scheme === 'file'),
    );
  }

  private refreshNow(): void {
    this.didChangeCodeLenses.fire();
    for (const document of vscode.workspace.textDocuments) {
      const analysis = this.analyses.peek(document.uri.toString());
      void analysis?.then((settled) => settled && this.updateDiagnostics(document, settled, this.model.snapshot()));
    }
  }

  private updateDiagnostics(document: vscode.TextDocument, analysis: SourceAnalysis, snapshot: InspectorSnapshot): SiteWarning[] {
    const siteWarnings = warningsAtSites(document.fileName, analysis.lockSites, snapshot.warnings);
    const readOnlyHints = readOnlyHintSites(document.fileName, () => document.getText(), analysis.registrations, snapshot.warnings);
    this.siteWarningsByUri.set(document.uri.toString(), siteWarnings);
    this.readOnlyHintsByUri.set(document.uri.toString(), readOnlyHints);
    this.diagnostics.set(document.uri, [...siteWarnings.map(toDiagnostic), ...readOnlyHints.map(readOnlyHintDiagnostic)]);
    return siteWarnings;
  }
}

/** Registers the lens provider, the diagnostics' quick fixes and `lockInspector.revealTool`; all go when the extension goes. */
export function registerCodeLenses(context: vscode.ExtensionContext, model: InspectorModelReader): void {
  const provider = new ToolCodeLensProvider(model);
  // Activation is at startup's end; the compiler loads then, not when the first file opens (it took seconds there).
  setTimeout(preloadAnalyzer, 0);
  context.subscriptions.push(
    provider,
    vscode.languages.registerCodeLensProvider(ANALYSED_LANGUAGES, provider),
    vscode.languages.registerCodeActionsProvider(ANALYSED_LANGUAGES, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.commands.registerCommand(COMMANDS.revealTool, (argument?: unknown) => revealTool(argument, model)),
  );
}

function placeholderLenses(document: vscode.TextDocument): vscode.CodeLens[] {
  const lenses: vscode.CodeLens[] = [];
  for (let line = 0; line < document.lineCount; line++) {
    if (LIKELY_LENS_LINE.test(document.lineAt(line).text)) lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: PLACEHOLDER_LENS_TITLE, command: '' }));
  }
  return lenses;
}

function toCodeLens(content: LensContent): vscode.CodeLens {
  return new vscode.CodeLens(toRange(content.range), {
    title: content.title,
    tooltip: content.tooltip,
    command: content.command,
    arguments: [...content.arguments],
  });
}

/** An analysis range as VS Code's Range. */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function toDiagnostic(siteWarning: SiteWarning): vscode.Diagnostic {
  const { site, kind, message, warnings, otherLocation } = siteWarning;
  const start = toRange(site.range).start;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(start, start.translate(0, site.method.length)),
    warnings > 1 ? `${message} (and ${warnings - 1} more like it)` : message,
    vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = kind;
  if (otherLocation) {
    diagnostic.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(otherLocation.path), new vscode.Position(otherLocation.line - 1, otherLocation.column - 1)),
        'The same two resources are taken here in the opposite order',
      ),
    ];
  }
  return diagnostic;
}

/** The advice that a tool may be annotated read-only, as information at its registration. */
function readOnlyHintDiagnostic(hint: ReadOnlyHintSite): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(hint.range), hint.message, vscode.DiagnosticSeverity.Information);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = READ_ONLY_HINT_DIAGNOSTIC_CODE;
  return diagnostic;
}

function annotateReadOnly(document: vscode.TextDocument, hint: ReadOnlyHintSite, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(ANNOTATE_READ_ONLY_TITLE, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = true;
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, toRange(hint.edit.range), hint.edit.newText);
  return action;
}

function codeValue(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function quickFixes(siteWarning: SiteWarning, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const showTimeline = new vscode.CodeAction('Show in the lock timeline', vscode.CodeActionKind.QuickFix);
  showTimeline.diagnostics = [diagnostic];
  showTimeline.command = { title: showTimeline.title, command: COMMANDS.showTimeline, arguments: [siteWarning.timelineFilter] };
  const actions = [showTimeline];
  const other = siteWarning.otherLocation;
  if (other) {
    const goToOther = new vscode.CodeAction('Go to the lock taken in the opposite order', vscode.CodeActionKind.QuickFix);
    goToOther.diagnostics = [diagnostic];
    const position = new vscode.Position(other.line - 1, other.column - 1);
    goToOther.command = { title: goToOther.title, command: 'vscode.open', arguments: [vscode.Uri.file(other.path), { selection: new vscode.Range(position, position) }] };
    actions.push(goToOther);
  }
  return actions;
}
