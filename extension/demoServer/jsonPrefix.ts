const COMPLETE_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_PREFIX = /^-(?:0|[1-9]\d*)?$|^-?(?:0|[1-9]\d*)(?:\.\d*)?$|^-?(?:0|[1-9]\d*)(?:\.\d+)?[eE][+-]?\d*$/;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

type Expected = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'nothing';

/** Where a string may begin: as a key, or as a value. */
const BEFORE_STRING: ReadonlyMap<Expected, 'key' | 'value'> = new Map([
  ['key', 'key'],
  ['keyOrClose', 'key'],
  ['value', 'value'],
  ['valueOrClose', 'value'],
]);

/**
 * Whether `text` is not JSON but the start of some JSON text cut short: what an append that stopped midway leaves,
 * and nothing else (garbage, zeros or a complete value never are).
 */
export function isCutShortJson(text: string): boolean {
  const open: string[] = [];
  let expected: Expected = 'value';
  let index = 0;
  const afterValue = (): Expected => (open.length === 0 ? 'nothing' : 'commaOrClose');
  while (index < text.length) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++;
      continue;
    }
    const stringAs: 'key' | 'value' | undefined = char === '"' ? BEFORE_STRING.get(expected) : undefined;
    if (stringAs !== undefined) {
      // A key or a string value: either way it must end before anything else may follow.
      const end = stringEnd(text, index);
      if (end === 'cut') return true;
      if (end === 'invalid') return false;
      index = end;
      expected = stringAs === 'key' ? 'colon' : afterValue();
      continue;
    }
    switch (expected) {
      case 'nothing':
        return false;
      case 'colon':
        if (char !== ':') return false;
        expected = 'value';
        index++;
        break;
      case 'commaOrClose':
        if (char === ',') expected = open.at(-1) === '{' ? 'key' : 'value';
        else if (char === (open.at(-1) === '{' ? '}' : ']')) {
          open.pop();
          expected = afterValue();
        } else return false;
        index++;
        break;
      case 'key':
      case 'keyOrClose':
        if (char !== '}' || expected !== 'keyOrClose') return false;
        open.pop();
        expected = afterValue();
        index++;
        break;
      case 'value':
      case 'valueOrClose':
        if (char === ']' && expected === 'valueOrClose') {
          open.pop();
          expected = afterValue();
          index++;
        } else if (char === '{' || char === '[') {
          open.push(char);
          expected = char === '{' ? 'keyOrClose' : 'valueOrClose';
          index++;
        } else if (char === '-' || (char >= '0' && char <= '9')) {
          let end = index;
          while (end < text.length && /[-+.eE0-9]/.test(text[end]!)) end++;
          const number = text.slice(index, end);
          // A number at the very end may go on; at top level that would make `text` complete JSON, not a cut.
          if (end === text.length) return open.length > 0 && NUMBER_PREFIX.test(number);
          if (!COMPLETE_NUMBER.test(number)) return false;
          index = end;
          expected = afterValue();
        } else {
          const rest = text.slice(index);
          const literal = LITERALS.find((word) => rest.startsWith(word) || word.startsWith(rest));
          if (literal === undefined) return false;
          if (rest.length < literal.length) return true;
          index += literal.length;
          expected = afterValue();
        }
        break;
    }
  }
  return expected !== 'nothing' && !(expected === 'value' && open.length === 0);
}

/** Index just after the string starting at `start`, `cut` when the text ends inside it, `invalid` when it cannot be one. */
function stringEnd(text: string, start: number): number | 'cut' | 'invalid' {
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"') return index + 1;
    if (char < ' ') return 'invalid';
    if (char !== '\\') continue;
    const escaped = text[index + 1];
    if (escaped === undefined) return 'cut';
    if (escaped === 'u') {
      const hex = text.slice(index + 2, index + 6);
      if (!/^[0-9a-fA-F]*$/.test(hex)) return 'invalid';
      if (hex.length < 4) return 'cut';
      index += 5;
    } else if (ESCAPES.has(escaped)) index++;
    else return 'invalid';
  }
  return 'cut';
}
