import ts from 'typescript';
import type { WarningView } from '../../contract/inspectorSnapshot';
import type { SourceRange, ToolRegistration } from './analyzeSource';
import type { TextEdit } from './lostUpdateFixes';
import { propertyNameText, unwrapExpression } from './sourceResolver';

/** The title of the quick fix that annotates a tool read-only. */
export const ANNOTATE_READ_ONLY_TITLE = 'Annotate readOnlyHint';

const READ_ONLY_PROPERTY = 'readOnlyHint: true';

/**
 * The edit that makes a registration announce `readOnlyHint: true`, for each form the SDKs take: a config object
 * (`registerTool` and `registerToolTask` of SDK 1.x, `registerTool` of 2.x; written inline or as a `const` of this
 * file) gets `annotations: { readOnlyHint: true }` or the hint inside its annotations, and `server.tool(name,
 * [description], [shape], [annotations], handler)` gets the hint in its annotations argument or a new one before the
 * handler. Undefined when the tool says so already, or when its annotations are not written out here to edit.
 * `source` is the file as parseForEdits parses it, once for all its registrations.
 */
export function readOnlyHintEdit(source: ts.SourceFile, registration: Pick<ToolRegistration, 'kind' | 'range'>): TextEdit | undefined {
  if (registration.kind !== 'registerTool' && registration.kind !== 'registerToolTask' && registration.kind !== 'tool') return undefined;
  const call = registrationCallAt(source, source.getPositionOfLineAndCharacter(registration.range.start.line, registration.range.start.character));
  if (!call) return undefined;
  const editor = new AnnotationEditor(source);
  return registration.kind === 'tool' ? editor.positional(call) : editor.config(call.arguments[1]);
}

/** The file parsed with parent pointers, as readOnlyHintEdit reads it. */
export function parseForEdits(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
}

/** The registration call whose method name starts at `offset` (`server.registerTool(`, `tasks.registerToolTask(`, `server.tool(`). */
function registrationCallAt(source: ts.SourceFile, offset: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const look = (node: ts.Node): void => {
    if (found || offset < node.getFullStart() || offset >= node.getEnd()) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.getStart(source) === offset) found = node;
    else ts.forEachChild(node, look);
  };
  look(source);
  return found;
}

class AnnotationEditor {
  constructor(private readonly source: ts.SourceFile) {}

  /** `registerTool(name, { ...config }, handler)`: the hint in `config.annotations`, which is added when absent. */
  config(argument: ts.Expression | undefined): TextEdit | undefined {
    const config = argument && this.objectLiteral(argument);
    // A spread config may bring annotations of its own, which a new `annotations` would replace.
    if (!config || config.properties.some(ts.isSpreadAssignment)) return undefined;
    const annotations = config.properties.find((property) => property.name !== undefined && propertyNameText(property.name) === 'annotations');
    if (!annotations) return this.addProperty(config, `annotations: { ${READ_ONLY_PROPERTY} }`);
    const value = ts.isPropertyAssignment(annotations) ? this.objectLiteral(annotations.initializer) : undefined;
    return value && this.annotate(value);
  }

  /**
   * `tool(name, [description], [shape], [annotations], handler)`: the SDK takes an object of primitive values as the
   * annotations and anything else (a zod shape, `{}`) as the shape, so the hint goes into the former or after the latter.
   */
  positional(call: ts.CallExpression): TextEdit | undefined {
    const [, ...rest] = call.arguments;
    const handler = rest.at(-1);
    if (!handler) return undefined;
    const options = rest.slice(0, -1);
    if (options[0] && ts.isStringLiteralLike(unwrapExpression(options[0]))) options.shift();
    if (options.length > 2) return undefined;
    const last = options.at(-1);
    const lastObject = last && this.objectLiteral(last);
    // A name not declared here may be either; any other expression (`schema.shape`) is a shape.
    if (last && !lastObject && ts.isIdentifier(unwrapExpression(last))) return undefined;
    if (lastObject && isAnnotationsLiteral(lastObject)) return this.annotate(lastObject);
    if (options.length === 2) return undefined;
    const previous = last ?? rest.at(-2) ?? call.arguments[0]!;
    return this.insertAfter(previous, handler, `{ ${READ_ONLY_PROPERTY} }`);
  }

  /** The hint in an annotations object: added, or set to true when it says false. */
  private annotate(annotations: ts.ObjectLiteralExpression): TextEdit | undefined {
    const hint = annotations.properties.find((property) => property.name !== undefined && propertyNameText(property.name) === 'readOnlyHint');
    if (!hint) return this.addProperty(annotations, READ_ONLY_PROPERTY);
    if (!ts.isPropertyAssignment(hint) || hint.initializer.kind === ts.SyntaxKind.TrueKeyword) return undefined;
    return { range: this.rangeOf(hint.initializer.getStart(this.source), hint.initializer.getEnd()), newText: 'true' };
  }

  /** A property at the end of an object literal, on a line of its own when the object spreads over lines. */
  private addProperty(object: ts.ObjectLiteralExpression, property: string): TextEdit {
    const last = object.properties.at(-1);
    if (!last) return { range: this.rangeOf(object.getStart(this.source), object.getEnd()), newText: `{ ${property} }` };
    return this.insertAfter(last, object.getLastToken(this.source)!, property);
  }

  /** `text` as a new list item after `previous`, before `next`: on the next line with its indentation when `next` starts a line. */
  private insertAfter(previous: ts.Node, next: ts.Node, text: string): TextEdit {
    const nextStart = next.getStart(this.source);
    const lineStart = this.source.text.lastIndexOf('\n', nextStart - 1) + 1;
    const startsLine = this.source.text.slice(lineStart, nextStart).trim() === '' && lineStart > previous.getEnd();
    const listItemIndent = this.indentOf(startsLine && next.kind === ts.SyntaxKind.CloseBraceToken ? previous : next);
    const separator = startsLine ? `,\n${listItemIndent}` : ', ';
    return { range: this.rangeOf(previous.getEnd(), previous.getEnd()), newText: `${separator}${text}` };
  }

  private indentOf(node: ts.Node): string {
    const start = node.getStart(this.source);
    const lineStart = this.source.text.lastIndexOf('\n', start - 1) + 1;
    return /^[ \t]*/.exec(this.source.text.slice(lineStart, start))![0];
  }

  /** An object literal written here, or the one a `const` of this file holds (`registerTool('x', countTool, ...)`). */
  private objectLiteral(expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
    const node = unwrapExpression(expression);
    if (ts.isObjectLiteralExpression(node)) return node;
    if (!ts.isIdentifier(node)) return undefined;
    let found: ts.ObjectLiteralExpression | undefined;
    let declarations = 0;
    const look = (child: ts.Node): void => {
      if (ts.isVariableDeclaration(child) && ts.isIdentifier(child.name) && child.name.text === node.text) {
        declarations++;
        const initializer = child.initializer && unwrapExpression(child.initializer);
        const isConst = (child.parent.flags & ts.NodeFlags.Const) !== 0;
        if (isConst && initializer && ts.isObjectLiteralExpression(initializer)) found = initializer;
      }
      ts.forEachChild(child, look);
    };
    look(this.source);
    return declarations === 1 ? found : undefined;
  }

  private rangeOf(start: number, end: number): SourceRange {
    return { start: this.source.getLineAndCharacterOfPosition(start), end: this.source.getLineAndCharacterOfPosition(end) };
  }
}

/** An object of literal values only (`{ title: 'Search', openWorldHint: false }`): tool annotations, not a zod shape. */
function isAnnotationsLiteral(object: ts.ObjectLiteralExpression): boolean {
  return (
    object.properties.length > 0 &&
    object.properties.every((property) => {
      if (!ts.isPropertyAssignment(property)) return false;
      const value = unwrapExpression(property.initializer);
      return value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || ts.isStringLiteralLike(value) || ts.isNumericLiteral(value);
    })
  );
}

/** A registration the inspector saw taking only read locks, with the advice's message and the edit that annotates it. */
export interface ReadOnlyHintSite {
  readonly registration: ToolRegistration;
  /** Where the diagnostic goes: the registering method's name. */
  readonly range: SourceRange;
  readonly message: string;
  readonly edit: TextEdit;
}

/**
 * The registrations of one file that a `readOnlyHint` advice names and that do not say so yet, each with the edit
 * that does; `text()` is read only when some advice names a tool registered here.
 */
export function readOnlyHintSites(fileName: string, text: () => string, registrations: readonly ToolRegistration[], warnings: readonly WarningView[]): ReadOnlyHintSite[] {
  const advised = new Map<string, string>();
  for (const warning of warnings) if (warning.kind === 'advice' && warning.advice === 'readOnlyHint' && warning.tool !== undefined && !advised.has(warning.tool)) advised.set(warning.tool, warning.message);
  const candidates = registrations.filter((registration) => registration.tool !== undefined && advised.has(registration.tool));
  if (candidates.length === 0) return [];
  const source = parseForEdits(fileName, text());
  return candidates.flatMap((registration) => {
    const edit = readOnlyHintEdit(source, registration);
    const { start } = registration.range;
    const range = { start, end: { line: start.line, character: start.character + registration.kind.length } };
    return edit ? [{ registration, range, message: advised.get(registration.tool!)!, edit }] : [];
  });
}
