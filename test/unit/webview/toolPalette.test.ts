import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { TOOL_COLOR_COUNT, ToolPalette } from '../../../webview/shared/toolPalette';

const tools = ['transfer', 'deposit', 'withdraw', 'audit', 'getBalance', 'reconcile'];

test('up to the palette size, every tool gets its own colour', () => {
  const palette = new ToolPalette();
  palette.update(undefined, tools);
  assert.equal(new Set(tools.map((tool) => palette.slotOf(tool))).size, tools.length);
});

test('slots do not depend on the order the tools are listed in (the two views agree)', () => {
  const sidebar = new ToolPalette();
  const timeline = new ToolPalette();
  sidebar.update(undefined, tools);
  timeline.update(undefined, [...tools].reverse());
  for (const tool of tools) assert.equal(sidebar.slotOf(tool), timeline.slotOf(tool));
});

test('slots stay inside the palette, also for unknown tools and more tools than colours', () => {
  const palette = new ToolPalette();
  palette.update(undefined, Array.from({ length: 20 }, (_, index) => `tool${index}`));
  for (let index = 0; index < 25; index++) {
    const slot = palette.slotOf(`tool${index}`);
    assert.ok(slot >= 0 && slot < TOOL_COLOR_COUNT);
  }
  assert.equal(palette.slotOf(undefined), TOOL_COLOR_COUNT - 1);
});

test('the host\'s assignment wins, so a tool keeps its colour when other tools come and go', () => {
  const palette = new ToolPalette();
  palette.update({ refund_fee: 1, charge_fee: 2 }, ['refund_fee', 'charge_fee']);
  assert.equal(palette.slotOf('refund_fee'), 1);
  palette.update({ refund_fee: 1, charge_fee: 2 }, ['refund_fee']);
  assert.equal(palette.slotOf('refund_fee'), 1);
});
