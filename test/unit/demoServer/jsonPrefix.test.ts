import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isCutShortJson } from '../../../extension/demoServer/jsonPrefix';

describe('isCutShortJson', () => {
  it('holds for every proper prefix of a JSON object, and never for the object itself', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.nat(), (object, cut) => {
        const text = JSON.stringify(object);
        assert.equal(isCutShortJson(text), false);
        const prefix = text.slice(0, 1 + (cut % (text.length - 1 || 1)));
        if (prefix.length < text.length) assert.equal(isCutShortJson(prefix), true, prefix);
      }),
      { numRuns: 2000 },
    );
  });

  for (const text of ['', '   ', 'hello', '{"a":1}}', '{"a":1} x', '{"a" 1', '{"a":tru e', '{"a":01', '{"a":"\\x"', '{,', '[1,]', '{"a":1,}', '\u0000\u0000']) {
    it(`is false for ${JSON.stringify(text)}`, () => assert.equal(isCutShortJson(text), false));
  }

  for (const text of ['{', '{"set":{"account/a":99', '{"set":{"account/a":-', '{"a":1.', '{"a":1e', '{"a":"\\u00', '[tr', '{"a":[1,2', '{"set":{"a":1}']) {
    it(`is true for ${JSON.stringify(text)}`, () => assert.equal(isCutShortJson(text), true));
  }
});
