import ts from 'typescript';
import {
  DECLARATION_KINDS,
  type FunctionNode,
  boundNames,
  type ModuleReader,
  MAX_RESOLUTION_DEPTH,
  SourceResolver,
  isFunctionNode,
  parseSource,
  propertyInitializer,
  propertyNameText,
  returnedExpression,
  unwrapExpression,
} from './sourceResolver';
import { WILDCARD } from './resourcePattern';
import { sampleArgumentsFromShape } from './zodShapeSample';

/** A zero-based line and character, as VS Code counts them. */
export interface SourcePosition {
  readonly line: number;
  readonly character: number;
}

/** A zero-based range in one source file. */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/**
 * How a tool handler was registered: `McpServer.registerTool` (both SDK lines), the older `McpServer.tool`, a task
 * tool (`experimental.tasks.registerToolTask`), a low-level `tools/call` handler (`setRequestHandler(CallToolRequestSchema, ...)`
 * on 1.x, `setRequestHandler('tools/call', ...)` on 2.x), or one branch of such a handler.
 */
export type RegistrationKind = 'registerTool' | 'tool' | 'registerToolTask' | 'callToolHandler' | 'callToolBranch';

/** One place in the source that registers a tool handler. */
export interface ToolRegistration {
  /** The registered tool name; absent for a `tools/call` handler whose tool names are not literal. */
  readonly tool?: string;
  readonly kind: RegistrationKind;
  /** Starts at the token that names the registration (method name, `case`, property), so a lens sits on that line. */
  readonly range: SourceRange;
  /** Arguments built from a literal zod input shape, when the registration has one the analysis can read. */
  readonly sampleArguments?: Readonly<Record<string, unknown>>;
  /**
   * Resource id patterns of the locks the handler takes through the functions and methods it calls (helpers, `this`,
   * `manager.method()` of an instance, here or in imported modules), not in its own body, where their own lenses are.
   */
  readonly reachedLockPatterns?: readonly string[];
}

/** A `withLock` / `withLocks` call whose resource ids the source spells out, at least in part. */
export interface LockSite {
  readonly method: 'withLock' | 'withLocks';
  /** Resource id patterns, `*` where the id is computed at run time: `account:${from}` gives `account:*`. */
  readonly resourcePatterns: readonly string[];
  /** Starts at the `withLock` token. */
  readonly range: SourceRange;
  /** The tool whose handler makes this call, when the file shows it. */
  readonly tool?: string;
}

/** What the code lenses need to know about one file. */
export interface SourceAnalysis {
  readonly registrations: readonly ToolRegistration[];
  readonly lockSites: readonly LockSite[];
}

/** A span of source that runs on behalf of one tool; `direct` for the handler or branch itself, not a helper it calls. */
interface ToolScope {
  readonly tool: string;
  readonly pos: number;
  readonly end: number;
  readonly direct: boolean;
}

interface PendingRegistration {
  readonly method: 'registerTool' | 'tool' | 'registerToolTask';
  readonly node: ts.CallExpression;
  readonly nameNode: ts.Node;
}

interface PendingLockSite {
  readonly method: LockSite['method'];
  readonly resourceArgument: ts.Expression;
  readonly node: ts.CallExpression;
  readonly nameNode: ts.Node;
}

interface PendingCallToolHandler {
  readonly handler: ts.Expression;
  readonly node: ts.CallExpression;
  readonly nameNode: ts.Node;
}

/** Options of analyzeSource(). */
export interface AnalyzeOptions {
  /** Reads relative modules the file imports, so shapes and lock-id helpers defined there are followed; without it, imports stay unknown. */
  readonly readModule?: ModuleReader;
}

const TOOL_CALL_SCHEMA_NAME = 'CallToolRequestSchema';

/** A file mentions one of these if it has anything to find: `.tool(`, `tools/call`; `registerTool`, `registerToolTask`, `CallToolRequestSchema`; lock calls. */
const RELEVANT_WORDS = ['tool', 'Tool', 'withLock'];

/** Methods that reorder or filter a list of resource ids without changing which kinds of ids it holds. */
const LIST_PRESERVING_METHODS = new Set(['sort', 'filter', 'slice', 'reverse', 'toSorted', 'toReversed']);

/** Calls are followed from a handler into functions and methods at most this deep. */
const MAX_FOLLOWED_CALLS = 4;

/** Patterns known for names in the current evaluation: a called function's parameters bound to its arguments. */
type PatternBindings = ReadonlyMap<string, string>;

/**
 * Finds MCP tool registrations and lock call sites in a TypeScript or JavaScript file from its syntax
 * (no type checker, so it is fast and needs no project). Tools are matched by their registered names,
 * so variable names and aliases of the server object do not matter.
 */
export function analyzeSource(fileName: string, text: string, options: AnalyzeOptions = {}): SourceAnalysis {
  // Most files of a workspace register no tool and take no lock; they are not worth parsing.
  if (!RELEVANT_WORDS.some((word) => text.includes(word))) return { registrations: [], lockSites: [] };
  return new SourceAnalyzer(parseSource(fileName, text), new SourceResolver(fileName, options.readModule)).analyze();
}

class SourceAnalyzer {
  private readonly registrations: { registration: ToolRegistration; pos: number }[] = [];
  private readonly toolScopes: ToolScope[] = [];
  private readonly pendingToolScopes: { tool: string; body: ts.Node }[] = [];
  private readonly pendingRegistrations: PendingRegistration[] = [];
  private readonly pendingLockSites: PendingLockSite[] = [];
  private readonly pendingCallToolHandlers: PendingCallToolHandler[] = [];
  /** Every call of the file, in the walk's (pre-)order, which is by position. */
  private readonly calls: ts.CallExpression[] = [];
  /** Per tool: the patterns of the lock calls its handler reaches through calls. */
  private readonly reachedLockPatterns = new Map<string, string[]>();

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly resolver: SourceResolver,
  ) {}

  analyze(): SourceAnalysis {
    this.visit(this.sourceFile);
    // Names may be declared after their use (hoisted functions, handlers defined below), so resolve after the walk.
    for (const pending of this.pendingRegistrations) this.resolveToolRegistration(pending);
    for (const pending of this.pendingCallToolHandlers) this.analyzeCallToolHandler(pending);
    for (const { tool, body } of this.pendingToolScopes) this.addToolScope(tool, body);
    for (const { tool, body } of this.pendingToolScopes) this.followCallsOf(tool, body);
    const lockSites = this.pendingLockSites.flatMap((pending) => this.resolveLockSite(pending));
    const registrations = this.registrations
      .sort((a, b) => a.pos - b.pos)
      .map(({ registration }) => {
        const reached = registration.tool === undefined ? undefined : this.reachedLockPatterns.get(registration.tool);
        return reached?.length ? { ...registration, reachedLockPatterns: reached } : registration;
      });
    return { registrations, lockSites };
  }

  // An arrow bound once: a closure per node would be a measurable share of the analysis of a large file.
  private readonly visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.CallExpression) this.noteCall(node as ts.CallExpression);
    else if (DECLARATION_KINDS.has(node.kind)) this.resolver.note(node);
    ts.forEachChild(node, this.visit);
  };

  private noteCall(node: ts.CallExpression): void {
    this.calls.push(node);
    const callee = unwrapExpression(node.expression);
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
    if (!nameNode) return;
    const isMethod = ts.isPropertyAccessExpression(callee);
    switch (nameNode.text) {
      case 'registerTool':
      case 'registerToolTask':
      case 'tool':
        if (isMethod && node.arguments.length >= 2) this.pendingRegistrations.push({ method: nameNode.text, node, nameNode });
        break;
      case 'setRequestHandler':
        if (isMethod && node.arguments.length >= 2 && namesCallToolSchema(node.arguments[0]!)) {
          this.pendingCallToolHandlers.push({ handler: node.arguments[1]!, node, nameNode });
        }
        break;
      case 'withLock':
      case 'withLocks':
        if (node.arguments.length >= 2) this.pendingLockSites.push({ method: nameNode.text, resourceArgument: node.arguments[0]!, node, nameNode });
        break;
    }
  }

  /**
   * `registerTool(name, config, handler)`, `registerToolTask(name, config, { createTask, getTask, getTaskResult })`
   * (the whole handler object runs for the tool) or `tool(name, [description], [shape], [annotations], handler)`.
   */
  private resolveToolRegistration({ method, node, nameNode }: PendingRegistration): void {
    const [nameArgument, ...rest] = node.arguments;
    const handler = rest.at(-1);
    const tool = nameArgument && this.resolver.resolveString(nameArgument);
    if (tool === undefined || !handler) return;
    const options = rest.slice(0, -1);
    const shape = method === 'tool' ? this.firstShapeArgument(options) : this.inputSchemaOfConfig(options[0]);
    const sampleArguments = shape && sampleArgumentsFromShape(shape, this.resolver);
    this.addRegistration({ tool, kind: method, range: this.rangeFrom(nameNode, node), ...(sampleArguments && { sampleArguments }) }, nameNode);
    this.pendingToolScopes.push({ tool, body: handler });
  }

  private inputSchemaOfConfig(config: ts.Expression | undefined): ts.Expression | undefined {
    const literal = config && this.resolver.resolveExpression(config);
    return literal && ts.isObjectLiteralExpression(literal) ? propertyInitializer(literal, 'inputSchema') : undefined;
  }

  /** The paramsSchema of `server.tool(...)`: the first object or `z.object(...)` after the optional description. */
  private firstShapeArgument(options: readonly ts.Expression[]): ts.Expression | undefined {
    for (const option of options) {
      const resolved = this.resolver.resolveExpression(option);
      if (resolved && (ts.isObjectLiteralExpression(resolved) || ts.isCallExpression(resolved))) return resolved;
    }
    return undefined;
  }

  private addRegistration(registration: ToolRegistration, nameNode: ts.Node): void {
    this.registrations.push({ registration, pos: nameNode.getStart(this.sourceFile) });
  }

  /** Everything inside `body` runs for `tool`; a handler named there but defined elsewhere counts as well. */
  private addToolScope(tool: string, body: ts.Node): void {
    const resolved = this.handlerBody(body);
    // Positions only compare within the analysed file; a handler imported from elsewhere has its own.
    if (resolved && this.resolver.isInAnalysedFile(resolved)) this.toolScopes.push({ tool, pos: resolved.pos, end: resolved.end, direct: true });
  }

  /** What a handler argument stands for: itself, or the function or task-handler object a name of it holds. */
  private handlerBody(body: ts.Node): ts.Node | undefined {
    if (!ts.isIdentifier(body)) return body;
    const resolved = this.resolver.resolve(body);
    return resolved && (isFunctionNode(resolved) || ts.isObjectLiteralExpression(resolved)) ? resolved : undefined;
  }

  private analyzeCallToolHandler({ handler, node, nameNode }: PendingCallToolHandler): void {
    const handlerFunction = this.resolver.resolveFunction(handler);
    const registrationsBefore = this.registrations.length;
    if (handlerFunction?.body) this.findToolBranches(handlerFunction.body);
    if (this.registrations.length === registrationsBefore) {
      this.addRegistration({ kind: 'callToolHandler', range: this.rangeFrom(nameNode, node) }, nameNode);
    }
  }

  /** Branches of a `tools/call` handler chosen by a literal tool name: switch cases, `name === '...'` tests, handler maps. */
  private findToolBranches(body: ts.Node): void {
    const visit = (node: ts.Node): void => {
      if (ts.isSwitchStatement(node) && isToolNameExpression(node.expression)) {
        for (const clause of node.caseBlock.clauses) {
          const tool = ts.isCaseClause(clause) ? this.resolver.resolveString(clause.expression) : undefined;
          if (tool !== undefined) this.addBranch(tool, clause, clause);
        }
      } else if (ts.isIfStatement(node)) {
        const tool = this.toolComparedIn(node.expression);
        if (tool !== undefined) this.addBranch(tool, node, node.thenStatement);
      } else if (ts.isElementAccessExpression(node) && isToolNameExpression(node.argumentExpression)) {
        this.addHandlerMapBranches(node.expression);
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
  }

  private toolComparedIn(condition: ts.Expression): string | undefined {
    const expression = unwrapExpression(condition);
    if (!ts.isBinaryExpression(expression)) return undefined;
    const operator = expression.operatorToken.kind;
    if (operator !== ts.SyntaxKind.EqualsEqualsEqualsToken && operator !== ts.SyntaxKind.EqualsEqualsToken) return undefined;
    if (isToolNameExpression(expression.left)) return this.resolver.resolveString(expression.right);
    if (isToolNameExpression(expression.right)) return this.resolver.resolveString(expression.left);
    return undefined;
  }

  /** `handlers[request.params.name](...)` where `handlers` is an object literal of this file: one branch per property. */
  private addHandlerMapBranches(mapExpression: ts.Expression): void {
    const map = this.resolver.resolveExpression(mapExpression);
    if (!map || !ts.isObjectLiteralExpression(map) || !this.resolver.isInAnalysedFile(map)) return;
    for (const property of map.properties) {
      const tool = property.name && propertyNameText(property.name);
      if (tool === undefined) continue;
      const body = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : property;
      this.addBranch(tool, property, body);
    }
  }

  private addBranch(tool: string, labelNode: ts.Node, body: ts.Node): void {
    this.addRegistration({ tool, kind: 'callToolBranch', range: this.rangeFrom(labelNode, labelNode) }, labelNode);
    this.pendingToolScopes.push({ tool, body });
  }

  /**
   * Follows the calls of a handler (or branch) into the functions and methods they reach: helpers, `this.method()`,
   * `instance.method()` of a class instance, in this file or imported ones. Each one of this file runs for the tool
   * too (so its lock sites are the tool's), and the locks taken there are the registration's reached locks.
   */
  private followCallsOf(tool: string, body: ts.Node): void {
    const start = this.handlerBody(body);
    if (!start) return;
    const own = isFunctionNode(start) && start.body ? start.body : start;
    const followed = new Set<ts.Node>([start]);
    const patterns: string[] = [];
    const follow = (node: ts.Node, thisClass: ts.ClassLikeDeclaration | undefined, depth: number): void => {
      for (const call of this.callsWithin(node)) {
        const callee = unwrapExpression(call.expression);
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
        if ((name === 'withLock' || name === 'withLocks') && call.arguments.length >= 2) {
          // The handler's own lock calls have lenses of their own.
          if (!this.resolver.isInAnalysedFile(call) || call.pos < own.pos || call.pos >= own.end) patterns.push(...this.patternsOfLockCall(name, call.arguments[0]!));
          continue;
        }
        if (depth >= MAX_FOLLOWED_CALLS) continue;
        const target = this.calleeOf(callee, thisClass);
        if (!target?.fn.body || followed.has(target.fn)) continue;
        followed.add(target.fn);
        if (this.resolver.isInAnalysedFile(target.fn)) this.toolScopes.push({ tool, pos: target.fn.pos, end: target.fn.end, direct: false });
        follow(target.fn.body, target.thisClass, depth + 1);
      }
    };
    follow(own, undefined, 0);
    const known = this.reachedLockPatterns.get(tool) ?? [];
    this.reachedLockPatterns.set(tool, [...new Set([...known, ...patterns])]);
  }

  /** The calls inside `node`, in source order: looked up among the ones the walk noted for this file, found by a walk in an imported one. */
  private callsWithin(node: ts.Node): ts.CallExpression[] {
    if (!this.resolver.isInAnalysedFile(node)) {
      const found: ts.CallExpression[] = [];
      const look = (child: ts.Node): void => {
        if (ts.isCallExpression(child)) found.push(child);
        ts.forEachChild(child, look);
      };
      ts.forEachChild(node, look);
      return found;
    }
    // The walk notes calls in pre-order, so by position: the first one inside `node` is found by bisection.
    let low = 0;
    let high = this.calls.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.calls[middle]!.pos < node.pos) low = middle + 1;
      else high = middle;
    }
    const inside: ts.CallExpression[] = [];
    for (let index = low; index < this.calls.length && this.calls[index]!.pos < node.end; index++) inside.push(this.calls[index]!);
    return inside;
  }

  /** The function or method a call reaches: a function by name (imports too), `this.method`, or a method of an instance's class. */
  private calleeOf(callee: ts.Expression, thisClass: ts.ClassLikeDeclaration | undefined): { fn: FunctionNode; thisClass: ts.ClassLikeDeclaration | undefined } | undefined {
    const fn = ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee) ? this.resolver.resolveFunction(callee) : undefined;
    if (fn) return { fn, thisClass: undefined };
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const owner = callee.expression.kind === ts.SyntaxKind.ThisKeyword ? thisClass : this.resolver.classOfInstance(callee.expression);
    const method = owner?.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.name !== undefined && propertyNameText(member.name) === callee.name.text);
    return method && owner ? { fn: method, thisClass: owner } : undefined;
  }

  /** The id patterns of a `withLock(id, ...)` or `withLocks(ids, ...)`, without the ones that are wildcards only. */
  private patternsOfLockCall(method: 'withLock' | 'withLocks', resourceArgument: ts.Expression): string[] {
    const noBindings: PatternBindings = new Map();
    const patterns = method === 'withLocks' ? this.patternsOfList(resourceArgument, 0, noBindings) : [this.patternOf(resourceArgument, 0, noBindings)];
    // A pattern that is nothing but wildcards says nothing a lens could show.
    return [...new Set(patterns)].filter((pattern) => pattern.replaceAll(WILDCARD, '') !== '');
  }

  private resolveLockSite({ method, resourceArgument, node, nameNode }: PendingLockSite): LockSite[] {
    const resourcePatterns = this.patternsOfLockCall(method, resourceArgument);
    if (resourcePatterns.length === 0) return [];
    const tool = this.toolAt(node.pos);
    return [{ method, resourcePatterns, range: this.rangeFrom(nameNode, node), ...(tool !== undefined && { tool }) }];
  }

  private toolAt(pos: number): string | undefined {
    const direct = innermostScope(this.toolScopes, pos, true);
    if (direct) return direct.tool;
    // A helper reached from several tools belongs to none of them in particular.
    let tool: string | undefined;
    for (const scope of this.toolScopes) {
      if (scope.direct || pos < scope.pos || pos >= scope.end) continue;
      if (tool !== undefined && tool !== scope.tool) return undefined;
      tool = scope.tool;
    }
    return tool;
  }

  /** The resource id pattern an expression evaluates to, `*` for the parts known only at run time. */
  private patternOf(expression: ts.Expression, depth: number, bindings: PatternBindings): string {
    if (depth > MAX_RESOLUTION_DEPTH) return WILDCARD;
    const node = unwrapExpression(expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text];
      for (const span of node.templateSpans) parts.push(this.patternOf(span.expression, depth + 1, bindings), span.literal.text);
      return collapseWildcards(parts.join(''));
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return collapseWildcards(this.patternOf(node.left, depth + 1, bindings) + this.patternOf(node.right, depth + 1, bindings));
    }
    if (ts.isIdentifier(node) && bindings.has(node.text)) return bindings.get(node.text)!;
    if (ts.isCallExpression(node)) {
      const argumentPatterns = node.arguments.map((argument) => this.patternOf(argument, depth + 1, bindings));
      return this.returnedPattern(node.expression, argumentPatterns, depth + 1) ?? WILDCARD;
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const value = this.resolver.resolveExpression(node);
      // The value lives where it was declared, outside any call being evaluated, so no bindings follow it.
      if (value && !isFunctionNode(value)) return this.patternOf(value, depth + 1, new Map());
    }
    return WILDCARD;
  }

  /** What a call of `callee` with arguments of these patterns returns, when `callee` is a one-expression function the resolver can find. */
  private returnedPattern(callee: ts.Expression, argumentPatterns: readonly string[], depth: number): string | undefined {
    const fn = this.resolver.resolveFunction(callee);
    const returned = fn && returnedExpression(fn);
    if (!fn || !returned) return undefined;
    const bindings = new Map<string, string>();
    fn.parameters.forEach((parameter, index) => {
      for (const name of boundNames(parameter.name)) bindings.set(name, ts.isIdentifier(parameter.name) ? (argumentPatterns[index] ?? WILDCARD) : WILDCARD);
    });
    return this.patternOf(returned, depth + 1, bindings);
  }

  /** Patterns of a list of resource ids: an array literal, a const array, `ids.map(toId)`, or those sorted or filtered. */
  private patternsOfList(expression: ts.Expression, depth: number, bindings: PatternBindings): string[] {
    if (depth > MAX_RESOLUTION_DEPTH) return [WILDCARD];
    const node = unwrapExpression(expression);
    if (ts.isArrayLiteralExpression(node)) {
      return node.elements.flatMap((element) =>
        ts.isSpreadElement(element) ? this.patternsOfList(element.expression, depth + 1, bindings) : [this.patternOf(element, depth + 1, bindings)],
      );
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      const [mapper] = node.arguments;
      if (method === 'map' && mapper) {
        const elementPatterns = this.patternsOfList(receiver, depth + 1, bindings);
        return elementPatterns.map((elementPattern) => this.returnedPattern(mapper, [elementPattern], depth + 1) ?? WILDCARD);
      }
      if (LIST_PRESERVING_METHODS.has(method)) return this.patternsOfList(receiver, depth + 1, bindings);
    }
    if (ts.isIdentifier(node) && !bindings.has(node.text)) {
      const value = this.resolver.resolveExpression(node);
      if (value && !isFunctionNode(value)) return this.patternsOfList(value, depth + 1, new Map());
    }
    return [WILDCARD];
  }

  private rangeFrom(startNode: ts.Node, endNode: ts.Node): SourceRange {
    return {
      start: this.sourceFile.getLineAndCharacterOfPosition(startNode.getStart(this.sourceFile)),
      end: this.sourceFile.getLineAndCharacterOfPosition(endNode.end),
    };
  }
}

function namesCallToolSchema(expression: ts.Expression): boolean {
  const node = unwrapExpression(expression);
  // SDK 2.x names the method itself.
  if (ts.isStringLiteralLike(node)) return node.text === 'tools/call';
  if (ts.isIdentifier(node)) return node.text === TOOL_CALL_SCHEMA_NAME;
  return ts.isPropertyAccessExpression(node) && node.name.text === TOOL_CALL_SCHEMA_NAME;
}

/** True for expressions that plausibly hold the called tool's name: `name`, `toolName`, `request.params.name`, `tool`. */
function isToolNameExpression(expression: ts.Expression): boolean {
  const node = unwrapExpression(expression);
  const identifier = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
  const lower = identifier?.toLowerCase();
  return lower !== undefined && (lower.includes('name') || lower.includes('tool'));
}

function collapseWildcards(pattern: string): string {
  return pattern.replace(/\*{2,}/g, WILDCARD);
}

function innermostScope(scopes: readonly ToolScope[], pos: number, directOnly = false): ToolScope | undefined {
  let innermost: ToolScope | undefined;
  for (const scope of scopes) {
    if (directOnly && !scope.direct) continue;
    if (scope.pos <= pos && pos < scope.end && (!innermost || scope.end - scope.pos < innermost.end - innermost.pos)) innermost = scope;
  }
  return innermost;
}
