import ts from 'typescript';

/** A module's text, found by a ModuleReader. */
export interface ModuleText {
  readonly fileName: string;
  readonly text: string;
}

/** Reads the module that `importingFileName` imports as `specifier`; undefined when it cannot (a package, a missing file). */
export type ModuleReader = (importingFileName: string, specifier: string) => ModuleText | undefined;

/** Any function node that has a body to analyse. */
export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** What a name may stand for; `ambiguous` when its file declares the name more than once. */
type Declaration = ts.Expression | FunctionNode | 'ambiguous';

/** `import { importedName as local } from specifier`; `*` for a namespace import or a whole `require()`. */
interface ImportBinding {
  readonly specifier: string;
  readonly importedName: string;
}

/** Deeper resolution chains than this are treated as unknown, which also ends cycles (`const a = b; const b = a`). */
export const MAX_RESOLUTION_DEPTH = 8;

/** The only kinds of node that ModuleScope.note() reads; the walk skips the call for every other node. */
export const DECLARATION_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.VariableDeclarationList,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ImportDeclaration,
]);

/** The names one file declares and imports, looked up by name without regard to block scope (cheap and good enough here). */
class ModuleScope {
  readonly declarations = new Map<string, Declaration>();
  /** Classes by name; `default` for the one `export default class` declares. */
  readonly classes = new Map<string, ts.ClassDeclaration>();
  readonly imports = new Map<string, ImportBinding>();

  constructor(readonly fileName: string) {}

  /** Records what `node` declares or imports, if anything. */
  note(node: ts.Node): void {
    if (ts.isVariableDeclarationList(node)) {
      const isConst = (node.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of node.declarations) this.noteVariable(declaration, isConst);
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      this.declare(node.name.text, node);
    } else if (ts.isClassDeclaration(node)) {
      if (node.name) this.classes.set(node.name.text, node);
      if (node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) this.classes.set('default', node);
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
      const specifier = node.moduleSpecifier.text;
      const { name, namedBindings: bindings } = node.importClause;
      if (name) this.imports.set(name.text, { specifier, importedName: 'default' });
      if (bindings && ts.isNamespaceImport(bindings)) this.imports.set(bindings.name.text, { specifier, importedName: '*' });
      else if (bindings) for (const element of bindings.elements) this.imports.set(element.name.text, { specifier, importedName: (element.propertyName ?? element.name).text });
    }
  }

  private noteVariable(node: ts.VariableDeclaration, isConst: boolean): void {
    if (!node.initializer) return;
    const initializer = unwrapExpression(node.initializer);
    const requiredSpecifier = requireSpecifier(initializer);
    if (requiredSpecifier !== undefined) {
      this.noteRequire(node.name, requiredSpecifier);
      return;
    }
    if (!ts.isIdentifier(node.name)) return;
    // A `let` may be reassigned, so only its function value (a handler) is trusted, never its string value.
    if (isConst || isFunctionNode(initializer)) this.declare(node.name.text, initializer);
  }

  /** `const money = require('./money')` or `const { amountSchema } = require('./money')`. */
  private noteRequire(name: ts.BindingName, specifier: string): void {
    if (ts.isIdentifier(name)) {
      this.imports.set(name.text, { specifier, importedName: '*' });
    } else if (ts.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        const importedName = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : undefined;
        if (importedName !== undefined && ts.isIdentifier(element.name)) this.imports.set(element.name.text, { specifier, importedName });
      }
    }
  }

  private declare(name: string, declaration: ts.Expression | FunctionNode): void {
    this.declarations.set(name, this.declarations.has(name) ? 'ambiguous' : declaration);
  }
}

/**
 * Follows names to what they stand for, within a file and, through `readModule`, into the relative
 * modules it imports (so a zod shape or a lock-id helper kept in another file is still read).
 */
export class SourceResolver {
  private readonly mainScope: ModuleScope;
  private readonly modules = new Map<string, ModuleScope | undefined>();
  private readonly scopeOfNode = new WeakMap<ts.Node, ModuleScope>();

  constructor(
    fileName: string,
    private readonly readModule: ModuleReader | undefined,
  ) {
    this.mainScope = new ModuleScope(fileName);
  }

  /** Records the declarations and imports of a node of the analysed file; the caller walks that file once for everything. */
  note(node: ts.Node): void {
    this.mainScope.note(node);
  }

  /** The expression or function an expression stands for, following names and `object.property` reads; undefined when unknown. */
  resolve(expression: ts.Expression | FunctionNode, depth = 0): ts.Expression | FunctionNode | undefined {
    if (depth > MAX_RESOLUTION_DEPTH) return undefined;
    if (isFunctionNode(expression)) return expression;
    const node = unwrapExpression(expression);
    if (ts.isIdentifier(node)) {
      const declaration = this.lookup(this.scopeOf(node), node.text, depth + 1);
      return declaration && this.resolve(declaration, depth + 1);
    }
    if (ts.isPropertyAccessExpression(node)) {
      const namespace = ts.isIdentifier(node.expression) ? this.namespaceOf(node.expression) : undefined;
      if (namespace) {
        const declaration = this.lookup(namespace, node.name.text, depth + 1);
        return declaration && this.resolve(declaration, depth + 1);
      }
      const owner = this.resolve(node.expression, depth + 1);
      const value = owner && ts.isObjectLiteralExpression(owner) ? propertyInitializer(owner, node.name.text) : undefined;
      return value && this.resolve(value, depth + 1);
    }
    return node;
  }

  /** Like resolve(), for expressions only: a function value counts as unknown. */
  resolveExpression(expression: ts.Expression, depth = 0): ts.Expression | undefined {
    const resolved = this.resolve(expression, depth);
    return resolved && !ts.isFunctionDeclaration(resolved) && !ts.isMethodDeclaration(resolved) ? resolved : undefined;
  }

  /** The string an expression is known to be: a literal, or a `const` (or const object property) holding one. */
  resolveString(expression: ts.Expression): string | undefined {
    const resolved = this.resolve(expression);
    return resolved && (ts.isStringLiteral(resolved) || ts.isNoSubstitutionTemplateLiteral(resolved)) ? resolved.text : undefined;
  }

  /** The function an expression names, when it is one written in this file or in a module it imports. */
  resolveFunction(expression: ts.Expression | FunctionNode, depth = 0): FunctionNode | undefined {
    const resolved = this.resolve(expression, depth);
    return resolved && isFunctionNode(resolved) ? resolved : undefined;
  }

  /** The class an instance expression was made from: a `const` holding `new Store()`, here or in a module that exports it. */
  classOfInstance(expression: ts.Expression): ts.ClassDeclaration | undefined {
    const created = this.resolveExpression(expression);
    if (!created || !ts.isNewExpression(created)) return undefined;
    const className = unwrapExpression(created.expression);
    return ts.isIdentifier(className) ? this.lookupClass(this.scopeOf(className), className.text, 0) : undefined;
  }

  /** False for nodes of imported modules, whose positions mean nothing in the analysed file. */
  isInAnalysedFile(node: ts.Node): boolean {
    return !this.scopeOfNode.has(node);
  }

  private scopeOf(node: ts.Node): ModuleScope {
    return this.scopeOfNode.get(node) ?? this.mainScope;
  }

  private lookup(scope: ModuleScope, name: string, depth: number): ts.Expression | FunctionNode | undefined {
    const declaration = scope.declarations.get(name);
    if (declaration === 'ambiguous') return undefined;
    if (declaration) return declaration;
    const binding = scope.imports.get(name);
    if (!binding || binding.importedName === '*' || depth > MAX_RESOLUTION_DEPTH) return undefined;
    const module = this.load(scope, binding.specifier);
    return module && this.lookup(module, binding.importedName, depth + 1);
  }

  private lookupClass(scope: ModuleScope, name: string, depth: number): ts.ClassDeclaration | undefined {
    const declared = scope.classes.get(name);
    if (declared) return declared;
    const binding = scope.imports.get(name);
    if (!binding || binding.importedName === '*' || depth > MAX_RESOLUTION_DEPTH) return undefined;
    const module = this.load(scope, binding.specifier);
    return module && this.lookupClass(module, binding.importedName, depth + 1);
  }

  private namespaceOf(identifier: ts.Identifier): ModuleScope | undefined {
    const scope = this.scopeOf(identifier);
    if (scope.declarations.has(identifier.text)) return undefined;
    const binding = scope.imports.get(identifier.text);
    return binding?.importedName === '*' ? this.load(scope, binding.specifier) : undefined;
  }

  private load(importer: ModuleScope, specifier: string): ModuleScope | undefined {
    if (!this.readModule || !specifier.startsWith('.')) return undefined;
    const moduleText = this.readModule(importer.fileName, specifier);
    if (!moduleText) return undefined;
    if (this.modules.has(moduleText.fileName)) return this.modules.get(moduleText.fileName);
    const scope = new ModuleScope(moduleText.fileName);
    this.modules.set(moduleText.fileName, scope);
    const sourceFile = parseSource(moduleText.fileName, moduleText.text);
    const visit = (node: ts.Node): void => {
      this.scopeOfNode.set(node, scope);
      if (DECLARATION_KINDS.has(node.kind)) scope.note(node);
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return scope;
  }
}

/** Parses a file without parent pointers (faster) and without JSDoc; the script kind follows the file extension. */
export function parseSource(fileName: string, text: string): ts.SourceFile {
  // JSDoc is never read here, and skipping it makes parsing commented code cheaper.
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  return ts.createSourceFile(fileName, text, options, false, scriptKindOf(fileName));
}

function scriptKindOf(fileName: string): ts.ScriptKind {
  const extension = fileName.slice(fileName.lastIndexOf('.')).toLowerCase();
  switch (extension) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

/** The `'./money'` of `require('./money')`. */
function requireSpecifier(expression: ts.Expression): string | undefined {
  if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'require') return undefined;
  const [argument] = expression.arguments;
  return argument && ts.isStringLiteral(argument) ? argument.text : undefined;
}

/** True for function declarations, function expressions, arrows and methods. */
export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
}

/** The names a declaration or parameter binds, destructuring included. */
export function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : boundNames(element.name)));
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, and `<T>x` casts. */
export function unwrapExpression(expression: ts.Expression): ts.Expression {
  let node = expression;
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

/** The text of a property name that is spelled out (`a`, `'a-b'`, `1`); undefined for computed names. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** The value of property `name` in an object literal (`name: value` or shorthand `name`). */
export function propertyInitializer(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (!property.name || propertyNameText(property.name) !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

/** The value a function returns when it is a single expression: `(id) => \`account:${id}\`` or `{ return ...; }`. */
export function returnedExpression(fn: FunctionNode): ts.Expression | undefined {
  if (!fn.body) return undefined;
  if (!ts.isBlock(fn.body)) return fn.body;
  const statements = fn.body.statements;
  const last = statements.at(-1);
  return statements.length === 1 && last && ts.isReturnStatement(last) ? last.expression : undefined;
}
