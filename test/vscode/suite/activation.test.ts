import * as assert from 'node:assert/strict';
import { activateLockInspector, lockInspectorExtensionId, unregisteredContributedCommands } from '../harness/lockInspectorExtension';

describe('activation', () => {
  it(`activates ${lockInspectorExtensionId}`, async () => {
    const extension = await activateLockInspector();
    assert.equal(extension.isActive, true);
  });

  it('registers every lockInspector.* command package.json contributes', async () => {
    const extension = await activateLockInspector();
    const contributed: { command: string }[] = extension.packageJSON.contributes.commands;
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    assert.deepEqual(await unregisteredContributedCommands(extension), []);
  });
});
