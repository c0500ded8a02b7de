import ts from 'typescript';
import type { SourceRange } from './analyzeSource';
import type { LostUpdateRisk } from './raceAnalysis';
import { boundNames, isFunctionNode } from './sourceResolver';

/** One replacement in a document: what a code action applies. */
export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/** A fix for one lost-update risk: its title and its edits. */
export interface LostUpdateFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/** The lock id a `withLock` fix takes for a key: `'requestCount'`, `` `balances:${id}` ``, `'file:storeFile'`. */
export function lockIdSource(risk: LostUpdateRisk): string {
  const mapKey = /^(.*)\.get\((.*)\)$/s.exec(risk.key);
  if (risk.keyKind === 'map' && mapKey) return `\`${mapKey[1]}:\${${mapKey[2]}}\``;
  return `'${(risk.keyKind === 'file' ? `file:${risk.key.slice('file '.length)}` : risk.key).replaceAll("'", "\\'")}'`;
}

/**
 * The fixes for a risk whose span one block holds: the span wrapped in `withLock` (the import and the lock map added
 * when the file has none; the rest of the block moved in too when it uses what the span declares), and for a
 * counter the atomic form (the write moved up to just after the read: update, then capture).
 */
export function lostUpdateFixes(fileName: string, text: string, risk: LostUpdateRisk): LostUpdateFix[] {
  if (!risk.span) return [];
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const fixes: LostUpdateFix[] = [];
  const withLock = withLockFix(source, risk, risk.span);
  if (withLock) fixes.push(withLock);
  const atomic = risk.counter && atomicCounterFix(source, risk.counter);
  if (atomic) fixes.push(atomic);
  return fixes;
}

function withLockFix(source: ts.SourceFile, risk: LostUpdateRisk, span: SourceRange): LostUpdateFix | undefined {
  const startOffset = offsetOf(source, span.start);
  const endOffset = offsetOf(source, span.end);
  const block = blockAt(source, startOffset);
  if (!block) return undefined;
  const inSpan = block.statements.filter((statement) => statement.getStart(source) >= startOffset && statement.getEnd() <= endOffset);
  const after = block.statements.filter((statement) => statement.getStart(source) >= endOffset);
  const declared = new Set(inSpan.flatMap((statement) => (ts.isVariableStatement(statement) ? statement.declarationList.declarations.flatMap((declaration) => boundNames(declaration.name)) : [])));
  const usedLater = after.some((statement) => mentionsAny(statement, declared));
  // The rest of the block goes inside too when it needs the span's names; returning its result keeps the handler's.
  if (usedLater && !isFunctionNode(block.parent)) return undefined;
  const wrapped = usedLater ? [...inSpan, ...after] : inSpan;
  const first = wrapped[0];
  const last = wrapped[wrapped.length - 1];
  if (!first || !last) return undefined;
  const lineStart = source.text.lastIndexOf('\n', first.getStart(source) - 1) + 1;
  const indent = source.text.slice(lineStart, first.getStart(source));
  const body = source.text
    .slice(lineStart, last.getEnd())
    .split('\n')
    .map((line) => (line.trim() === '' ? line : `  ${line}`))
    .join('\n');
  const { name: locksName, edits: setup } = lockMapOf(source);
  const call = `${usedLater ? 'return ' : ''}await ${locksName}.withLock(${lockIdSource(risk)}, async () => {\n${body}\n${indent}});`;
  return {
    title: `Wrap in withLock(${lockIdSource(risk)})`,
    edits: [...setup, { range: rangeOf(source, lineStart + indent.length, last.getEnd()), newText: call }],
  };
}

function atomicCounterFix(source: ts.SourceFile, counter: NonNullable<LostUpdateRisk['counter']>): LostUpdateFix | undefined {
  const readEnd = offsetOf(source, counter.readStatement.end);
  const writeStart = offsetOf(source, counter.writeStatement.start);
  const writeEnd = offsetOf(source, counter.writeStatement.end);
  const block = blockAt(source, writeStart);
  const write = block?.statements.find((statement) => statement.getStart(source) === writeStart);
  if (!block || !write) return undefined;
  // Moved up, the write must not need anything computed between the read and it, and what it writes must not be
  // changed there (items.push(...) between a load and a save).
  const between = block.statements.filter((statement) => statement.getStart(source) >= readEnd && statement.getEnd() <= writeStart);
  const declaredBetween = new Set(between.flatMap((statement) => (ts.isVariableStatement(statement) ? statement.declarationList.declarations.flatMap((declaration) => boundNames(declaration.name)) : [])));
  const read = block.statements.find((statement) => statement.getEnd() === readEnd);
  const readNames = new Set(read && ts.isVariableStatement(read) ? read.declarationList.declarations.flatMap((declaration) => boundNames(declaration.name)) : []);
  if (mentionsAny(write, declaredBetween) || between.some((statement) => mentionsAny(statement, readNames))) return undefined;
  const all = source.text;
  const lineStart = all.lastIndexOf('\n', writeStart - 1) + 1;
  const indent = all.slice(lineStart, writeStart);
  const lineEnd = all.indexOf('\n', writeEnd);
  return {
    title: 'Update, then capture (atomic form): move the write right after the read',
    edits: [
      { range: rangeOf(source, readEnd, readEnd), newText: `\n${indent}${all.slice(writeStart, writeEnd)}` },
      { range: rangeOf(source, lineStart, lineEnd === -1 ? writeEnd : lineEnd + 1), newText: '' },
    ],
  };
}

/** The file's lock map, or `locks` with the edits that import ResourceLockMap and create it after the imports. */
function lockMapOf(source: ts.SourceFile): { name: string; edits: TextEdit[] } {
  let existing: string | undefined;
  let imported = false;
  const look = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isNewExpression(node.initializer) && node.initializer.expression.getText(source) === 'ResourceLockMap') existing ??= node.name.text;
    if (ts.isImportDeclaration(node) && /ResourceLockMap/.test(node.importClause?.getText(source) ?? '')) imported = true;
    ts.forEachChild(node, look);
  };
  look(source);
  if (existing) return { name: existing, edits: [] };
  const lastImport = [...source.statements].reverse().find(ts.isImportDeclaration);
  const at = lastImport ? lastImport.getEnd() : 0;
  const lines = [...(imported ? [] : ["import { ResourceLockMap } from 'mcp-lock-inspector/locks';"]), 'const locks = new ResourceLockMap();'];
  const newText = lastImport ? `\n${lines.join('\n')}` : `${lines.join('\n')}\n`;
  return { name: 'locks', edits: [{ range: rangeOf(source, at, at), newText }] };
}

function blockAt(source: ts.SourceFile, offset: number): ts.Block | undefined {
  let found: ts.Block | undefined;
  const look = (node: ts.Node): void => {
    if (offset < node.getStart(source) || offset >= node.getEnd()) return;
    if (ts.isBlock(node) && node.statements.some((statement) => statement.getStart(source) === offset)) found = node;
    ts.forEachChild(node, look);
  };
  look(source);
  return found;
}

function mentionsAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  const look = (child: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(child) && names.has(child.text)) found = true;
    else ts.forEachChild(child, look);
  };
  look(node);
  return found;
}

function offsetOf(source: ts.SourceFile, position: { line: number; character: number }): number {
  return source.getPositionOfLineAndCharacter(position.line, position.character);
}

function rangeOf(source: ts.SourceFile, start: number, end: number): SourceRange {
  return { start: source.getLineAndCharacterOfPosition(start), end: source.getLineAndCharacterOfPosition(end) };
}
