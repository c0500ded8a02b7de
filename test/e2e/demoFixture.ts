// The demo session the webview tests replay, recorded once from the real demo server (recordDemoSession.ts) and
// committed, so each check can name the lane, bar and moment it expects instead of searching a live run.
// Record it again with `node --import tsx test/e2e/demoFixture.ts`, then update the expectations in webviews.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recordDemoSession, type DemoRecording } from './recordDemoSession';

/** The committed recording. */
export const DEMO_FIXTURE_PATH = join(__dirname, '..', 'fixtures', 'webview', 'demoSession.json');

/** What the views were sent: the model at the recording's last moment, and every event up to it. */
export type DemoFixture = Pick<DemoRecording, 'snapshot' | 'history'>;

/** Reads the committed recording. */
export function loadDemoFixture(): DemoFixture {
  return JSON.parse(readFileSync(DEMO_FIXTURE_PATH, 'utf8')) as DemoFixture;
}

/** Enough to exercise every view, and few enough events to read in a diff. */
const MAX_EVENTS = 400;
const ATTEMPTS = 40;

/** What the tests need that this recording lacks; empty when it will do. */
function shortcomings({ snapshot, history }: DemoFixture): string[] {
  const has = (type: string): boolean => history.some((event) => event.type === type);
  return [
    ...(history.length > MAX_EVENTS ? [`${history.length} events`] : []),
    ...(has('deadlock') && snapshot.warnings.some((warning) => warning.kind === 'deadlock') ? [] : ['a deadlock']),
    ...(has('timeout') ? [] : ['a timeout']),
    ...(has('longHold') ? [] : ['a long hold']),
    ...(snapshot.resources.some((resource) => resource.waiters.length >= 2) ? [] : ['a queue of two at the end']),
  ];
}

/** Records short demo sessions until one has everything, then writes it one event a line, paths relative to the repo. */
async function recordFixture(): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { snapshot, history } = await recordDemoSession(1500);
    const missing = shortcomings({ snapshot, history });
    if (missing.length > 0) {
      process.stdout.write(`attempt ${attempt}: lacks ${missing.join(', ')}\n`);
      continue;
    }
    // Lock-order sites name source files by absolute path; the fixture must not carry this machine's.
    const repoRoot = JSON.stringify(`${resolve(__dirname, '..', '..')}/`).slice(1, -1);
    const lines = [`{"snapshot": ${JSON.stringify(snapshot)},`, `"history": [`, history.map((event) => JSON.stringify(event)).join(',\n'), ']}', ''];
    writeFileSync(DEMO_FIXTURE_PATH, lines.join('\n').replaceAll(repoRoot, ''));
    process.stdout.write(`${DEMO_FIXTURE_PATH}: ${history.length} events, ${snapshot.warnings.length} warnings\n`);
    return;
  }
  throw new Error(`no demo session in ${ATTEMPTS} attempts had everything the webview tests need`);
}

if (process.argv[1]?.endsWith('demoFixture.ts')) void recordFixture();
