import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { LockEventFactory } from '../../support/lockEvents';

test('a tool keeps its colour slot after Clear History, even when other tools then arrive first', () => {
  const model = new InspectorModel({ notifyIntervalMs: 1 });
  const events = new LockEventFactory();
  const tools = ['audit', 'refund_fee', 'transfer', 'charge_fee', 'deposit'];
  model.ingest('s', tools.flatMap((tool, index) => events.call(`r${index}`, index + 1, index * 10, 5, { tool })));
  const before = model.snapshot().toolColorSlots!;
  assert.equal(new Set(Object.values(before)).size, tools.length, JSON.stringify(before));

  model.clear();
  model.ingest('s', ['withdraw', 'deposit', 'refund_fee'].flatMap((tool, index) => events.call('r0', 10 + index, 100 + index * 10, 5, { tool })));
  const after = model.snapshot().toolColorSlots!;
  for (const tool of tools) assert.equal(after[tool], before[tool], tool);
  assert.ok(!tools.some((tool) => before[tool] === after['withdraw']), 'the newcomer takes a free slot, not a known tool\'s');
});
