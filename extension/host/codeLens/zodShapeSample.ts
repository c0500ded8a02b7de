import ts from 'typescript';
import { type SourceResolver, propertyNameText, returnedExpression } from './sourceResolver';
import { SAMPLE_STRINGS } from '../client/sampleToolArguments';

/** What the sampler needs to follow names: to schemas kept in constants, and into schema-building helpers. */
export type SchemaResolver = Pick<SourceResolver, 'resolveExpression' | 'resolveFunction'>;


const OPTIONAL_MODIFIERS = new Set(['optional', 'nullish']);

/** Chained zod calls that narrow a schema without changing what a sample of it looks like. */
const PASS_THROUGH_ROOTS = new Set(['nullable', 'readonly']);

/**
 * Builds example arguments for a tool from its zod input shape when the source spells it out
 * (`{ account: z.string(), amount: z.number().positive() }` or `z.object({...})`); undefined otherwise.
 * Fields whose schema cannot be read are left out.
 */
export function sampleArgumentsFromShape(shape: ts.Expression, resolver: SchemaResolver): Record<string, unknown> | undefined {
  return new ShapeSampler(resolver).sampleShape(shape);
}

class ShapeSampler {
  private stringsUsed = 0;

  constructor(private readonly resolver: SchemaResolver) {}

  private resolve(expression: ts.Expression): ts.Expression | undefined {
    return this.resolver.resolveExpression(expression);
  }

  sampleShape(shape: ts.Expression): Record<string, unknown> | undefined {
    const resolved = this.resolve(shape);
    if (!resolved) return undefined;
    if (ts.isObjectLiteralExpression(resolved)) return this.sampleObjectLiteral(resolved);
    const { root } = this.splitChain(resolved);
    if (root && rootName(root) === 'object' && root.arguments[0]) return this.sampleShape(root.arguments[0]);
    return undefined;
  }

  private sampleObjectLiteral(shape: ts.ObjectLiteralExpression): Record<string, unknown> {
    const sample: Record<string, unknown> = {};
    for (const property of shape.properties) {
      const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
      const schema = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      const value = key !== undefined && schema ? this.sampleValue(schema) : undefined;
      if (key !== undefined && value !== undefined) sample[key] = value;
    }
    return sample;
  }

  private sampleValue(schema: ts.Expression): unknown {
    const resolved = this.resolve(schema);
    if (!resolved) return undefined;
    const { root, modifiers } = this.splitChain(resolved);
    if (!root) return undefined;
    const defaultCall = modifiers.find((modifier) => modifierName(modifier) === 'default');
    const defaultValue = defaultCall?.arguments[0] && this.valueOf(defaultCall.arguments[0]);
    if (defaultValue !== undefined) return defaultValue;
    // A minimal valid call leaves optional fields out.
    if (modifiers.some((modifier) => OPTIONAL_MODIFIERS.has(modifierName(modifier)))) return undefined;
    const [firstArgument] = root.arguments;
    switch (rootName(root)) {
      case 'string':
        return SAMPLE_STRINGS[this.stringsUsed++ % SAMPLE_STRINGS.length];
      case 'number':
      case 'int':
        return this.sampleNumber(modifiers);
      case 'boolean':
        return true;
      case 'literal':
        return firstArgument && this.valueOf(firstArgument);
      case 'enum':
        return firstArgument && this.firstEnumValue(firstArgument);
      case 'union': {
        const options = firstArgument && this.resolve(firstArgument);
        return options && ts.isArrayLiteralExpression(options) && options.elements[0] ? this.sampleValue(options.elements[0]) : undefined;
      }
      case 'array':
        return [];
      case 'object':
        return firstArgument && this.sampleShape(firstArgument);
      default:
        if (firstArgument && PASS_THROUGH_ROOTS.has(rootName(root) ?? '')) return this.sampleValue(firstArgument);
        return this.sampleFromSchemaHelper(root);
    }
  }

  /** `nameSchema('account')`, a helper whose single returned expression is a schema. */
  private sampleFromSchemaHelper(call: ts.CallExpression): unknown {
    const helper = this.resolver.resolveFunction(call.expression);
    const returned = helper && returnedExpression(helper);
    return returned && this.sampleValue(returned);
  }

  /** First value of `z.enum(['a', 'b'])`, or of `z.enum(Object.keys(RATES))` over an object literal. */
  private firstEnumValue(values: ts.Expression): unknown {
    const resolved = this.resolve(values);
    if (!resolved) return undefined;
    if (ts.isArrayLiteralExpression(resolved)) return resolved.elements[0] && this.valueOf(resolved.elements[0]);
    if (!isObjectKeysCall(resolved)) return undefined;
    const object = this.resolve(resolved.arguments[0]!);
    const firstProperty = object && ts.isObjectLiteralExpression(object) ? object.properties[0] : undefined;
    return firstProperty?.name && propertyNameText(firstProperty.name);
  }

  /** 1 unless the schema's bounds exclude it. */
  private sampleNumber(modifiers: readonly ts.CallExpression[]): number {
    let lowest = -Infinity;
    let highest = Infinity;
    for (const modifier of modifiers) {
      const bound = modifier.arguments[0] ? this.valueOf(modifier.arguments[0]) : undefined;
      const name = modifierName(modifier);
      if (name === 'positive') lowest = Math.max(lowest, Number.MIN_VALUE);
      else if (name === 'negative') highest = Math.min(highest, -Number.MIN_VALUE);
      if (typeof bound !== 'number') continue;
      if (name === 'min' || name === 'gte') lowest = Math.max(lowest, bound);
      else if (name === 'gt') lowest = Math.max(lowest, bound + 1);
      else if (name === 'max' || name === 'lte') highest = Math.min(highest, bound);
      else if (name === 'lt') highest = Math.min(highest, bound - 1);
    }
    if (lowest <= 1 && 1 <= highest) return 1;
    return Number.isFinite(lowest) ? Math.ceil(lowest) : Math.floor(highest);
  }

  /** The JSON-like value an expression holds, following constants. */
  private valueOf(expression: ts.Expression): unknown {
    const resolved = this.resolve(expression);
    return resolved && literalValue(resolved);
  }

  /** `z.number().int().min(1)` gives the root `z.number()` and the modifiers `int()`, `min(1)`. */
  private splitChain(expression: ts.Expression): { root?: ts.CallExpression; modifiers: ts.CallExpression[] } {
    const modifiers: ts.CallExpression[] = [];
    let node = expression;
    while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const receiver = this.resolve(node.expression.expression);
      if (!receiver || !ts.isCallExpression(receiver)) break;
      modifiers.push(node);
      node = receiver;
    }
    return ts.isCallExpression(node) ? { root: node, modifiers } : { modifiers };
  }
}

function isObjectKeysCall(expression: ts.Expression): expression is ts.CallExpression {
  if (!ts.isCallExpression(expression) || expression.arguments.length !== 1 || !ts.isPropertyAccessExpression(expression.expression)) return false;
  const { expression: owner, name } = expression.expression;
  return ts.isIdentifier(owner) && owner.text === 'Object' && name.text === 'keys';
}

function rootName(root: ts.CallExpression): string | undefined {
  const callee = root.expression;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return ts.isIdentifier(callee) ? callee.text : undefined;
}

function modifierName(modifier: ts.CallExpression): string {
  return (modifier.expression as ts.PropertyAccessExpression).name.text;
}

/** The value of a JSON-like literal expression, or undefined when it is not one. */
function literalValue(expression: ts.Expression): unknown {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (ts.isNumericLiteral(expression)) return Number(expression.text);
  if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(expression.operand)) {
    return -Number(expression.operand.text);
  }
  if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (expression.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(expression)) {
    const values = expression.elements.map(literalValue);
    return values.every((value) => value !== undefined) ? values : undefined;
  }
  return undefined;
}
