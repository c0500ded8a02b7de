import * as vscode from 'vscode';
import { lostUpdatePossibleMessage } from '../../contract/describe';
import { Disposable } from '../dispose';
import { AnalysisCache } from './analysisCache';
import { lostUpdateFixes } from './lostUpdateFixes';
import { findLostUpdateRisks, type LostUpdateRisk } from './raceAnalysis';
import { readRelativeModule } from './readRelativeModule';
import { ANALYSED_LANGUAGES, toRange } from './toolCodeLensProvider';

/** The `code` of every lost-update diagnostic, so its code actions find it. */
export const LOST_UPDATE_DIAGNOSTIC_CODE = 'lost-update';

/** How long typing pauses before a document is analysed again. */
const ANALYSIS_DELAY_MS = 300;

/**
 * Read-await-write spans in tool handlers as warnings at the write, with the read as related information, and
 * code actions that wrap the span in `withLock` or, for counters, move the write up (update, then capture).
 */
export class LostUpdateDiagnostics extends Disposable implements vscode.CodeActionProvider {
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('lockInspector.lostUpdate'));
  private readonly risks = new AnalysisCache<LostUpdateRisk[]>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Risks by the file they are in, then by the handler's document whose analysis found them (a helper file may have several). */
  private readonly risksByFile = new Map<string, Map<string, readonly LostUpdateRisk[]>>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((document) => this.analyse(document)));
    this._register(vscode.workspace.onDidChangeTextDocument(({ document }) => this.analyseSoon(document)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.risks.delete(document.uri.toString());
        this.publish(document.uri.toString(), []);
      }),
    );
    this._register({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.analyse(document);
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.code === LOST_UPDATE_DIAGNOSTIC_CODE && diagnostic.range.intersection(range));
    if (ours.length === 0) return [];
    return [...(this.risksByFile.get(document.uri.toString())?.values() ?? [])]
      .flat()
      .filter((risk) => ours.some((diagnostic) => diagnostic.range.isEqual(toRange(risk.write))))
      .flatMap((risk) =>
        lostUpdateFixes(document.fileName, document.getText(), risk).map((fix, index) => {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = new vscode.WorkspaceEdit();
          for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit.range), edit.newText);
          action.diagnostics = ours;
          action.isPreferred = index === 0;
          return action;
        }),
      );
  }

  private analyseSoon(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.analyse(document);
      }, ANALYSIS_DELAY_MS),
    );
  }

  private analyse(document: vscode.TextDocument): void {
    if (!vscode.languages.match(ANALYSED_LANGUAGES, document) || document.isClosed) return;
    this.publish(document.uri.toString(), this.risksOf(document));
  }

  /** Replaces what `origin`'s analysis found, in its own file and in the files its handlers call into. */
  private publish(origin: string, risks: readonly LostUpdateRisk[]): void {
    const touched = new Set<string>();
    for (const [file, byOrigin] of this.risksByFile) if (byOrigin.delete(origin)) touched.add(file);
    for (const risk of risks) {
      // The handler's own file keeps its URI (an untitled document has no file name on disk).
      const file = risk.fileName === vscode.Uri.parse(origin).fsPath ? origin : vscode.Uri.file(risk.fileName).toString();
      let byOrigin = this.risksByFile.get(file);
      if (!byOrigin) this.risksByFile.set(file, (byOrigin = new Map()));
      byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), risk]);
      touched.add(file);
    }
    for (const file of touched) {
      const all = [...(this.risksByFile.get(file)?.values() ?? [])].flat();
      if (all.length === 0) this.risksByFile.delete(file);
      this.diagnostics.set(vscode.Uri.parse(file), all.map((risk) => diagnosticOf(risk, vscode.Uri.parse(file))));
    }
  }

  private risksOf(document: vscode.TextDocument): LostUpdateRisk[] {
    // Imported helpers are read from disk, so only for a saved file on disk, whose imports mean what the disk says.
    const readModule = document.uri.scheme === 'file' ? readRelativeModule : undefined;
    return this.risks.get(document.uri.toString(), document.version, () => findLostUpdateRisks(document.fileName, document.getText(), readModule));
  }
}

/** The warning at the write, with the read as related information. */
function diagnosticOf(risk: LostUpdateRisk, uri: vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    toRange(risk.write),
    lostUpdatePossibleMessage(risk.key, risk.read.start.line + 1, risk.write.start.line + 1, risk.awaitText),
    vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.code = LOST_UPDATE_DIAGNOSTIC_CODE;
  diagnostic.source = 'Lock Inspector';
  diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(risk.read)), `\`${risk.key}\` read here`)];
  return diagnostic;
}

/** Shows lost-update diagnostics and their fixes in every TypeScript and JavaScript file. */
export function registerLostUpdateDiagnostics(context: vscode.ExtensionContext): void {
  const diagnostics = new LostUpdateDiagnostics();
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider(ANALYSED_LANGUAGES, diagnostics, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}
