import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BoundedLineSplitter } from '../../../extension/contract/boundedLineSplitter';

function split(chunks: readonly Buffer[], maxLineBytes: number): { lines: string[]; oversize: number } {
  const lines: string[] = [];
  let oversize = 0;
  const splitter = new BoundedLineSplitter(maxLineBytes, (line) => lines.push(line), () => oversize++);
  for (const chunk of chunks) splitter.push(chunk);
  return { lines, oversize };
}

describe('BoundedLineSplitter', () => {
  it('yields the same lines however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }).filter((line) => !line.includes('\n') && line.trim() !== ''), { maxLength: 20 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
          const offsets = [...new Set([0, ...cuts.map((cut) => cut % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
          const chunks = offsets.slice(1).map((end, index) => bytes.subarray(offsets[index], end));
          assert.deepEqual(split(chunks, 1000).lines, lines);
        },
      ),
    );
  });

  it('drops an oversize line up to its newline, reports it once, and goes on with the next line', () => {
    const result = split([Buffer.from('ok\n' + 'x'.repeat(6)), Buffer.from('x'.repeat(10)), Buffer.from('xx\nnext\n')], 8);
    assert.deepEqual(result, { lines: ['ok', 'next'], oversize: 1 });
  });

  it('accepts a line of exactly the limit and skips blank lines', () => {
    assert.deepEqual(split([Buffer.from('12345678\n\n  \n')], 8), { lines: ['12345678'], oversize: 0 });
  });

  it('ignores everything after stop()', () => {
    const lines: string[] = [];
    const splitter = new BoundedLineSplitter(100, (line) => {
      lines.push(line);
      splitter.stop();
    }, () => {});
    splitter.push(Buffer.from('first\nsecond\n'));
    splitter.push(Buffer.from('third\n'));
    assert.deepEqual(lines, ['first']);
  });
});
