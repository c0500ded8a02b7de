import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLockInspector } from '../harness/lockInspectorExtension';

/** Open webview tabs of the timeline (VS Code prefixes the view type of webview tabs). */
function timelineTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('lockInspector.timeline'));
}

/** Resolves once `count` timeline tabs are open: the tab model follows the workbench a moment after the command. */
function timelineTabCount(count: number, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (timelineTabs().length !== count) return false;
      finish();
      resolve();
      return true;
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(check);
    const timer = setTimeout(() => {
      finish();
      const open = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => `${tab.label} (${tab.input instanceof vscode.TabInputWebview ? tab.input.viewType : typeof tab.input})`);
      reject(new Error(`Expected ${count} timeline tabs within ${timeoutMs} ms; open tabs: ${open.join(', ') || 'none'}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

describe('views', function () {
  this.timeout(30_000);

  before(() => activateLockInspector());

  afterEach(async () => {
    for (const tab of timelineTabs()) await vscode.window.tabGroups.close(tab);
  });

  it('shows the timeline as one editor panel, reused when asked again with a filter', async () => {
    await vscode.commands.executeCommand('lockInspector.showTimeline');
    await timelineTabCount(1);
    await vscode.commands.executeCommand('lockInspector.showTimeline', { tool: 'transfer', onlyContended: true });
    await timelineTabCount(1);
    const tabs = timelineTabs();
    assert.equal(tabs[0]!.label, 'Lock Timeline');
  });

  it('opens again after its panel was closed', async () => {
    await vscode.commands.executeCommand('lockInspector.showTimeline');
    await timelineTabCount(1);
    await vscode.window.tabGroups.close(timelineTabs());
    await timelineTabCount(0);
    await vscode.commands.executeCommand('lockInspector.showTimeline');
    await timelineTabCount(1);
  });

  it('refuses a filter that is not an object, saying what it expected', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lockInspector.showTimeline', 'transfer')), /must be an object like/);
  });
});
