import ts from 'typescript';
import type { SourceRange } from './analyzeSource';
import { type ModuleReader, boundNames, isFunctionNode, unwrapExpression } from './sourceResolver';

/** What kind of shared state a risky span reads and writes. */
export type SharedStateKeyKind = 'variable' | 'field' | 'map' | 'file';

/**
 * A read of shared state, an `await`, then a write derived from that read, in a tool handler (or a function or
 * method it calls): a parallel call can run at the await, and one of the two writes is lost.
 */
export interface LostUpdateRisk {
  /** The file that holds the read and the write: the handler's, or one whose functions it calls. */
  readonly fileName: string;
  /** How the key reads in the source: `requestCount`, `this.entities`, `balances.get(from)`, `file storeFile`. */
  readonly key: string;
  readonly keyKind: SharedStateKeyKind;
  /** The registered tool whose handler reaches the span, when the source names it. */
  readonly tool?: string;
  readonly read: SourceRange;
  readonly write: SourceRange;
  /** The first await between them, as written: `await doWork()`. */
  readonly awaitText: string;
  /**
   * The statements from the read to the write when both are in one block of one function (what a `withLock` fix
   * wraps); absent when the span crosses functions.
   */
  readonly span?: SourceRange;
  /** For `const current = counter; ...await...; counter = current + 1`: the read and write statements, for the atomic form. */
  readonly counter?: { readonly readStatement: SourceRange; readonly writeStatement: SourceRange };
}

// Calls followed into their callees at most this deep (and never into a function already being followed).
const MAX_CALL_DEPTH = 4;
const FILE_READS = new Set(['readFile', 'readFileSync']);
const FILE_WRITES = new Set(['writeFile', 'writeFileSync']);
const LOCK_METHODS = new Set(['withLock', 'withLocks']);
const TOOL_REGISTRATIONS = new Set(['registerTool', 'registerToolTask', 'tool', 'setRequestHandler']);

interface ReadEvent {
  readonly kind: 'read';
  readonly key: string;
  readonly keyKind: SharedStateKeyKind;
  readonly node: ts.Node;
  /** The calls followed from the handler to the read. */
  readonly path: readonly ts.Node[];
}
interface AwaitEvent {
  readonly kind: 'await';
  readonly node: ts.Node;
}
type Taint = ReadonlySet<ReadEvent>;

/** One function being followed: its locals (never shared), what each local was derived from, and what `this` is. */
interface Frame {
  readonly locals: Set<string>;
  readonly taints: Map<string, Taint>;
  readonly thisClass: ts.ClassLikeDeclaration | undefined;
  readonly depth: number;
  readonly following: ReadonlySet<ts.Node>;
  /** The file whose code this function is. */
  readonly scope: FileScope;
  /** The calls followed from the handler to here. */
  readonly path: readonly ts.Node[];
  /** What the function's return values were derived from. */
  readonly returned: Set<ReadEvent>;
}

/**
 * Finds the lost-update risks in one file's tool handlers, following calls into the file's functions and methods and,
 * with `readModule`, into functions imported from relative modules; pure, no editor, so it runs in tests and benches.
 */
export function findLostUpdateRisks(fileName: string, text: string, readModule?: ModuleReader): LostUpdateRisk[] {
  return new RaceAnalyzer(readModule).run(FileScope.parse(fileName, text));
}

/** What one file declares: functions, classes, instances of them, variable names and imports. */
class FileScope {
  readonly functions = new Map<string, ts.FunctionLikeDeclaration>();
  /** Classes by name; `default` for the one `export default class` declares. */
  readonly classes = new Map<string, ts.ClassLikeDeclaration>();
  /**
   * Names bound to an instance of a class, by the class's name as written (declared here or imported): `const store =
   * new Store()`, `manager = new Manager(path)`, `let manager: Manager`; so `store.save()` follows into the class.
   */
  readonly instances = new Map<string, string>();
  /** Names bound to an object literal: a task tool's handler object may be one (`registerToolTask(name, config, handlers)`). */
  readonly objects = new Map<string, ts.ObjectLiteralExpression>();
  /** Every name a variable declaration binds anywhere in the file: outside a handler's own locals, such a name is shared state. */
  readonly variables = new Set<string>();
  /** `import { name as local } from './module'` (`default` for a default import): local name to specifier and imported name. */
  readonly imports = new Map<string, { readonly specifier: string; readonly importedName: string }>();

  private constructor(readonly source: ts.SourceFile) {
    const declarations = (node: ts.Node): void => {
      if (ts.isFunctionDeclaration(node) && node.name && node.body) this.functions.set(node.name.text, node);
      if (ts.isClassDeclaration(node)) {
        if (node.name) this.classes.set(node.name.text, node);
        if (node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) this.classes.set('default', node);
      }
      if (ts.isVariableDeclaration(node)) for (const name of boundNames(node.name)) this.variables.add(name);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const initializer = unwrapExpression(node.initializer);
        if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) this.functions.set(node.name.text, initializer);
        if (ts.isObjectLiteralExpression(initializer)) this.objects.set(node.name.text, initializer);
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
        const specifier = node.moduleSpecifier.text;
        const { name, namedBindings } = node.importClause;
        if (name) this.imports.set(name.text, { specifier, importedName: 'default' });
        if (namedBindings && ts.isNamedImports(namedBindings)) {
          for (const element of namedBindings.elements) this.imports.set(element.name.text, { specifier, importedName: (element.propertyName ?? element.name).text });
        }
      }
      const instance = instanceBinding(node);
      if (instance) this.instances.set(instance.name, instance.className);
      ts.forEachChild(node, declarations);
    };
    declarations(source);
  }

  static parse(fileName: string, text: string): FileScope {
    return new FileScope(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : undefined));
  }
}

/** The name and class of `const name = new Class()`, `name = new Class()` or `let name: Class`; undefined for anything else. */
function instanceBinding(node: ts.Node): { name: string; className: string } | undefined {
  const created = (expression: ts.Expression | undefined) => {
    const value = expression && unwrapExpression(expression);
    return value && ts.isNewExpression(value) && ts.isIdentifier(value.expression) ? value.expression.text : undefined;
  };
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
    const className = created(node.initializer) ?? (node.type && ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) ? node.type.typeName.text : undefined);
    return className === undefined ? undefined : { name: node.name.text, className };
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
    const className = created(node.right);
    return className === undefined ? undefined : { name: node.left.text, className };
  }
  return undefined;
}

class RaceAnalyzer {
  private readonly risks = new Map<string, LostUpdateRisk>();
  /** Files read for imported functions, by file name (undefined: not readable). */
  private readonly importedScopes = new Map<string, FileScope | undefined>();
  private events: Array<ReadEvent | AwaitEvent> = [];
  /** Reads in the conditions of the branches being walked: a write inside such a branch depends on them (check, then act). */
  private readonly conditions: Array<ReadonlySet<ReadEvent>> = [];
  private tool: string | undefined;

  constructor(private readonly readModule: ModuleReader | undefined) {}

  run(scope: FileScope): LostUpdateRisk[] {
    const handlers = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && TOOL_REGISTRATIONS.has(node.expression.name.text)) {
        const last = node.arguments.at(-1) && unwrapExpression(node.arguments.at(-1)!);
        // A task tool's handler is an object of functions (createTask, getTask, getTaskResult), each a call of its own.
        const handlerObject = last && (ts.isObjectLiteralExpression(last) ? last : ts.isIdentifier(last) ? scope.objects.get(last.text) : undefined);
        const taskHandlers = node.expression.name.text === 'registerToolTask' && handlerObject ? taskHandlerFunctions(scope, handlerObject) : undefined;
        const handler = taskHandlers ? undefined : [...node.arguments].reverse().map((argument) => functionOf(scope, unwrapExpression(argument))).find((fn) => fn !== undefined);
        const first = node.arguments[0];
        this.tool = node.expression.name.text !== 'setRequestHandler' && first && ts.isStringLiteralLike(first) ? first.text : undefined;
        for (const fn of taskHandlers ?? (handler ? [handler] : [])) {
          this.events = [];
          this.follow(fn, undefined, scope, 0, new Set(), [], []);
        }
      }
      ts.forEachChild(node, handlers);
    };
    handlers(scope.source);
    return [...this.risks.values()];
  }

  /** Walks `fn`'s body in evaluation order; `argumentTaints` are what the caller's arguments were derived from. */
  private follow(
    fn: ts.FunctionLikeDeclaration,
    thisClass: ts.ClassLikeDeclaration | undefined,
    scope: FileScope,
    depth: number,
    following: ReadonlySet<ts.Node>,
    argumentTaints: readonly Taint[],
    path: readonly ts.Node[],
  ): Set<ReadEvent> {
    const returned = new Set<ReadEvent>();
    if (!fn.body || depth > MAX_CALL_DEPTH || following.has(fn)) return returned;
    const frame: Frame = { locals: localNames(fn), taints: new Map(), thisClass, depth, following: new Set([...following, fn]), returned, scope, path };
    fn.parameters.forEach((parameter, index) => {
      if (ts.isIdentifier(parameter.name) && argumentTaints[index]) frame.taints.set(parameter.name.text, argumentTaints[index]);
    });
    const value = this.visit(fn.body, frame);
    // An arrow function's expression body is its return value.
    if (!ts.isBlock(fn.body)) for (const read of value) returned.add(read);
    return returned;
  }

  /** Visits `node` and returns the reads its value was derived from. */
  private visit(node: ts.Node, frame: Frame): Set<ReadEvent> {
    const derived = new Set<ReadEvent>();
    const add = (taint: Iterable<ReadEvent>) => {
      for (const read of taint) derived.add(read);
    };
    // A nested callback runs later, not here.
    if (isFunctionNode(node)) return derived;
    if (ts.isReturnStatement(node)) {
      if (node.expression) for (const read of this.visit(node.expression, frame)) frame.returned.add(read);
      return derived;
    }
    if (ts.isAwaitExpression(node)) {
      add(this.visit(node.expression, frame));
      this.events.push({ kind: 'await', node });
      return derived;
    }
    if (ts.isIfStatement(node) || ts.isConditionalExpression(node)) {
      const condition = ts.isIfStatement(node) ? node.expression : node.condition;
      this.conditions.push(this.visit(condition, frame));
      const branches = ts.isIfStatement(node) ? [node.thenStatement, node.elseStatement] : [node.whenTrue, node.whenFalse];
      for (const branch of branches) if (branch) add(this.visit(branch, frame));
      this.conditions.pop();
      return derived;
    }
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      const whole = this.keyOf(node.initializer, frame);
      if (whole) {
        // `const { count } = state` reads state.count.
        for (const element of node.name.elements) {
          const property = element.propertyName ?? element.name;
          if (element.dotDotDotToken || !ts.isIdentifier(property) || !ts.isIdentifier(element.name)) continue;
          frame.taints.set(element.name.text, new Set([this.read(`${whole.key}.${property.text}`, 'field', element, frame)]));
        }
        return derived;
      }
    }
    if (ts.isVariableDeclaration(node)) {
      const taint = node.initializer ? this.visit(node.initializer, frame) : new Set<ReadEvent>();
      for (const name of boundNames(node.name)) frame.taints.set(name, taint);
      return derived;
    }
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const compound = node.operatorToken.kind !== ts.SyntaxKind.EqualsToken;
      const value = this.visit(node.right, frame);
      const target = this.keyOf(node.left, frame);
      if (target) {
        // `x += 1` reads and writes with nothing in between: atomic. A plain write is checked against earlier reads.
        if (!compound) this.write(target.key, target.keyKind, node.left, node, value, frame);
        if (compound) this.read(target.key, target.keyKind, node.left, frame);
      } else if (ts.isIdentifier(node.left) && frame.locals.has(node.left.text)) {
        frame.taints.set(node.left.text, value);
      } else {
        this.visitChildren(node.left, frame);
      }
      add(value);
      return derived;
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isIncrement(node.operator)) {
      const target = this.keyOf(node.operand, frame);
      if (target) this.read(target.key, target.keyKind, node.operand, frame);
      return derived;
    }
    if (ts.isCallExpression(node)) return this.visitCall(node, frame);
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const target = this.keyOf(node, frame);
      if (target) {
        derived.add(this.read(target.key, target.keyKind, node, frame));
        return derived;
      }
      if (ts.isIdentifier(node)) {
        add(frame.taints.get(node.text) ?? []);
        return derived;
      }
    }
    add(this.visitChildren(node, frame));
    return derived;
  }

  private visitChildren(node: ts.Node, frame: Frame): Set<ReadEvent> {
    const derived = new Set<ReadEvent>();
    ts.forEachChild(node, (child) => {
      for (const read of this.visit(child, frame)) derived.add(read);
    });
    return derived;
  }

  private visitCall(call: ts.CallExpression, frame: Frame): Set<ReadEvent> {
    const callee = call.expression;
    const argumentTaints = call.arguments.map((argument) => this.visit(argument, frame));
    const derived = new Set<ReadEvent>(argumentTaints.flatMap((taint) => [...taint]));
    const add = (taint: Iterable<ReadEvent>) => {
      for (const read of taint) derived.add(read);
    };
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    // Inside withLock the span is protected by construction: its callback is not followed at all.
    if (method !== undefined && LOCK_METHODS.has(method)) return derived;
    if (method !== undefined && (FILE_READS.has(method) || FILE_WRITES.has(method)) && call.arguments[0]) {
      const key = `file ${call.arguments[0].getText()}`;
      if (FILE_READS.has(method)) derived.add(this.read(key, 'file', call, frame));
      else this.write(key, 'file', call, call, new Set(argumentTaints.slice(1).flatMap((taint) => [...taint])), frame);
      return derived;
    }
    if (ts.isPropertyAccessExpression(callee) && (method === 'get' || method === 'has' || method === 'set' || method === 'delete') && call.arguments[0]) {
      const owner = this.keyOf(callee.expression, frame, true);
      if (owner) {
        const key = `${owner.key}.get(${call.arguments[0].getText()})`;
        if (method === 'get' || method === 'has') derived.add(this.read(key, 'map', call, frame));
        else this.write(key, 'map', call, call, argumentTaints[1] ?? new Set(), frame);
        return derived;
      }
    }
    const target = this.calleeOf(callee, frame);
    if (target) add(this.follow(target.fn, target.thisClass, target.scope, frame.depth + 1, frame.following, argumentTaints, [...frame.path, call]));
    else if (ts.isPropertyAccessExpression(callee)) {
      // items.push(x): the receiver stays derived from what it was, plus what was pushed.
      add(this.visit(callee.expression, frame));
      if (ts.isIdentifier(callee.expression) && frame.locals.has(callee.expression.text)) {
        frame.taints.set(callee.expression.text, new Set([...(frame.taints.get(callee.expression.text) ?? []), ...derived]));
      }
    }
    return derived;
  }

  /**
   * A function, method or `this.method` the call reaches: declared in this file, or (with a module reader) imported from
   * a relative module, as a function, a class whose instance this file makes, or an instance that module exports.
   */
  private calleeOf(callee: ts.Expression, frame: Frame): { fn: ts.FunctionLikeDeclaration; thisClass: ts.ClassLikeDeclaration | undefined; scope: FileScope } | undefined {
    if (ts.isIdentifier(callee) && !frame.locals.has(callee.text)) {
      const found = this.declared(frame.scope, callee.text, (scope, name) => scope.functions.get(name));
      return found && { fn: found.value, thisClass: undefined, scope: found.scope };
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const receiver = callee.expression;
    const owner =
      receiver.kind === ts.SyntaxKind.ThisKeyword
        ? frame.thisClass && { value: frame.thisClass, scope: frame.scope }
        : ts.isIdentifier(receiver) && !frame.locals.has(receiver.text)
          ? this.classOfInstance(frame.scope, receiver.text)
          : undefined;
    const method = owner?.value.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === callee.name.text);
    return method && owner ? { fn: method, thisClass: owner.value, scope: owner.scope } : undefined;
  }

  /** The class (and its file) of the instance `name` stands for in `scope`: made there, or imported from the module that made it. */
  private classOfInstance(scope: FileScope, name: string): { value: ts.ClassLikeDeclaration; scope: FileScope } | undefined {
    const instance = this.declared(scope, name, (candidate, declaredName) => candidate.instances.get(declaredName));
    return instance && this.declared(instance.scope, instance.value, (candidate, className) => candidate.classes.get(className));
  }

  /** What `lookup` finds for `name` in `scope`, or in the relative module that `scope` imports it from (and so on, a few modules deep). */
  private declared<T>(scope: FileScope, name: string, lookup: (scope: FileScope, name: string) => T | undefined, depth = 0): { value: T; scope: FileScope } | undefined {
    const value = lookup(scope, name);
    if (value !== undefined) return { value, scope };
    const imported = scope.imports.get(name);
    const target = imported && depth < MAX_CALL_DEPTH ? this.importedScope(scope, imported.specifier) : undefined;
    return target && imported && this.declared(target, imported.importedName, lookup, depth + 1);
  }

  /** The scope of the relative module `scope` imports as `specifier`, parsed once; undefined without a reader or a readable file. */
  private importedScope(scope: FileScope, specifier: string): FileScope | undefined {
    const module = this.readModule?.(scope.source.fileName, specifier);
    if (!module) return undefined;
    if (!this.importedScopes.has(module.fileName)) this.importedScopes.set(module.fileName, FileScope.parse(module.fileName, module.text));
    return this.importedScopes.get(module.fileName);
  }

  /** The shared-state key an expression names, or undefined for locals, calls and anything not long-lived. */
  private keyOf(node: ts.Expression, frame: Frame, container = false): { key: string; keyKind: SharedStateKeyKind } | undefined {
    const expression = unwrapExpression(node);
    if (ts.isIdentifier(expression)) {
      if (frame.locals.has(expression.text) || expression.text === 'undefined') return undefined;
      // A name declared outside the handler: module or closure state. Functions and classes are not state.
      const scope = frame.scope;
      if (scope.functions.has(expression.text) || scope.classes.has(expression.text) || !scope.variables.has(expression.text)) return undefined;
      return { key: expression.text, keyKind: 'variable' };
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const receiver = unwrapExpression(expression.expression);
      const base =
        receiver.kind === ts.SyntaxKind.ThisKeyword
          ? frame.thisClass?.name?.text ?? 'this'
          : ts.isIdentifier(receiver) && !frame.locals.has(receiver.text) && frame.scope.variables.has(receiver.text)
            ? receiver.text
            : undefined;
      if (base === undefined) return undefined;
      return { key: `${base}.${expression.name.text}`, keyKind: container ? 'map' : 'field' };
    }
    return undefined;
  }

  private read(key: string, keyKind: SharedStateKeyKind, node: ts.Node, frame: Frame): ReadEvent {
    const event: ReadEvent = { kind: 'read', key, keyKind, node, path: frame.path };
    this.events.push(event);
    return event;
  }

  /** A write of `key` whose value was derived from `value`: a risk when one of those reads came before an await, with no re-read since. */
  private write(key: string, keyKind: SharedStateKeyKind, target: ts.Node, statementNode: ts.Node, value: ReadonlySet<ReadEvent>, frame: Frame): void {
    const staleReads = [...value, ...this.conditions.flatMap((condition) => [...condition])].filter((read) => read.key === key);
    if (staleReads.length === 0) return;
    const firstRead = staleReads.reduce((earliest, read) => (this.events.indexOf(read) < this.events.indexOf(earliest) ? read : earliest));
    const readIndex = this.events.indexOf(firstRead);
    const later = this.events.slice(readIndex + 1);
    // The read's own await (`await readFile(...)`) is not the one another call runs in.
    // Even the read's own await (`await readFile(...)`) lets another call run; but the await named is, when there is
    // one, a later one in the reader's own code (`await doWork()`), not one inside doWork.
    const awaits = later.filter((event): event is AwaitEvent => event.kind === 'await');
    const separate = awaits.filter((event) => !contains(event.node, firstRead.node) && !firstRead.path.some((call) => contains(event.node, call)));
    const firstAwait = separate.find((event) => containingFunction(event.node) === containingFunction(firstRead.node)) ?? separate[0] ?? awaits[0];
    if (!firstAwait) return;
    const lastAwaitIndex = later.map((event) => event.kind).lastIndexOf('await');
    // Re-read after the last await: the value written may have been checked against the current one.
    if (later.slice(lastAwaitIndex + 1).some((event) => event.kind === 'read' && event.key === key)) return;
    const id = `${key}@${firstRead.node.pos}:${target.pos}`;
    if (this.risks.has(id)) return;
    this.risks.set(id, {
      fileName: target.getSourceFile().fileName,
      key,
      keyKind,
      ...(this.tool === undefined ? {} : { tool: this.tool }),
      read: this.rangeOf(firstRead.node),
      write: this.rangeOf(target),
      awaitText: firstAwait.node.getText().split('\n')[0],
      ...this.spanOf(...anchors(firstRead, statementNode, frame.path)),
    });
  }

  /** The statements from the read's to the write's, when one block holds both. */
  private spanOf(read: ts.Node, write: ts.Node): Pick<LostUpdateRisk, 'span' | 'counter'> {
    const readStatement = enclosingStatement(read);
    const writeStatement = enclosingStatement(write);
    if (!readStatement || !writeStatement || readStatement.parent !== writeStatement.parent) return {};
    const span = { start: this.position(readStatement, readStatement.getStart()), end: this.position(writeStatement, writeStatement.getEnd()) };
    const counter = ts.isVariableStatement(readStatement) && ts.isExpressionStatement(writeStatement) ? { readStatement: this.rangeOf(readStatement), writeStatement: this.rangeOf(writeStatement) } : undefined;
    return counter ? { span, counter } : { span };
  }

  private rangeOf(node: ts.Node): SourceRange {
    return { start: this.position(node, node.getStart()), end: this.position(node, node.getEnd()) };
  }

  private position(node: ts.Node, offset: number): { line: number; character: number } {
    return node.getSourceFile().getLineAndCharacterOfPosition(offset);
  }
}

/**
 * Where the read and the write part ways in the handler's code: the calls (or the nodes themselves) in the deepest
 * function both went through, so that a load/save helper pair is fixed where the handler calls it.
 */
function anchors(read: ReadEvent, write: ts.Node, writePath: readonly ts.Node[]): [ts.Node, ts.Node] {
  let common = 0;
  while (common < read.path.length && common < writePath.length && read.path[common] === writePath[common]) common++;
  return [read.path[common] ?? read.node, writePath[common] ?? write];
}

/** The functions of a task tool's handler object: its methods and the functions its properties are or name. */
function taskHandlerFunctions(scope: FileScope, handlers: ts.ObjectLiteralExpression): ts.FunctionLikeDeclaration[] {
  return handlers.properties.flatMap((property) => {
    if (ts.isMethodDeclaration(property)) return [property];
    const value = ts.isPropertyAssignment(property) ? functionOf(scope, unwrapExpression(property.initializer)) : ts.isShorthandPropertyAssignment(property) ? scope.functions.get(property.name.text) : undefined;
    return value ? [value] : [];
  });
}

/** The function an argument is or names (`registerTool('bad', {}, badHandler)`). */
function functionOf(scope: FileScope, argument: ts.Expression): ts.FunctionLikeDeclaration | undefined {
  if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) return argument;
  return ts.isIdentifier(argument) ? scope.functions.get(argument.text) : undefined;
}

function containingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunctionNode(current)) return current;
  return undefined;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.getSourceFile() === outer.getSourceFile() && inner.pos >= outer.pos && inner.end <= outer.end;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isIncrement(operator: ts.SyntaxKind): boolean {
  return operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken;
}

/** Parameters and every name declared anywhere in the function's own body (not in nested functions): never shared. */
function localNames(fn: ts.FunctionLikeDeclaration): Set<string> {
  const names = new Set<string>();
  for (const parameter of fn.parameters) for (const name of boundNames(parameter.name)) names.add(name);
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) for (const name of boundNames(node.name)) names.add(name);
    if (isFunctionNode(node)) {
      if (ts.isFunctionDeclaration(node) && node.name) names.add(node.name.text);
      return;
    }
    ts.forEachChild(node, collect);
  };
  if (fn.body) ts.forEachChild(fn.body, collect);
  return names;
}

/** The statement of a block that contains `node`. */
function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    if (ts.isBlock(current.parent) || ts.isSourceFile(current.parent)) return current as ts.Statement;
  }
  return undefined;
}
