import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JOURNAL_FILE } from '../../extension/demoServer/stateStore';
import { auditTotal, connectStdio, spawnServer } from '../mcp/serverProcess';
import { mountTinyFileSystem, tinyFileSystemUnavailable } from '../support/tinyFileSystem';

const GOOD = '{"set":{"account/alice":10000,"account/bob":5000}}';

/** Journals as a crash, a disk or a person may leave them, and what the server must make of each. */
const CASES: ReadonlyArray<{ readonly what: string; readonly content: Buffer; readonly starts?: number; readonly refusal?: RegExp }> = [
  { what: 'compacted line without its final newline', content: Buffer.from(GOOD), starts: 150 },
  { what: 'torn last line (an append cut short)', content: Buffer.from(`${GOOD}\n{"set":{"account/alice":99`), starts: 150 },
  { what: 'zero-filled journal', content: Buffer.alloc(4096), refusal: /journal\.jsonl line 1 holds NUL bytes/ },
  { what: 'zeros after the last good line', content: Buffer.concat([Buffer.from(`${GOOD}\n`), Buffer.alloc(512)]), refusal: /line 2 holds NUL bytes/ },
  { what: 'garbage last line', content: Buffer.from(`${GOOD}\nhello`), refusal: /line 2 is neither a complete record nor the start of one/ },
  { what: 'garbage line in the middle', content: Buffer.from(`${GOOD}\nnot json\n${GOOD}\n`), refusal: /line 2 is not valid JSON/ },
  { what: 'balance stored as a string', content: Buffer.from('{"set":{"account/alice":"10000","account/bob":50}}\n'), refusal: /line 1: set\["account\/alice"\] must be a whole number >= 0/ },
  { what: 'negative cents', content: Buffer.from('{"set":{"account/alice":-500}}\n'), refusal: /line 1: set\["account\/alice"\] must be a whole number >= 0.*got -500/ },
  { what: 'fractional cents', content: Buffer.from('{"set":{"account/alice":12.5}}\n'), refusal: /got 12\.5/ },
  { what: 'null balance', content: Buffer.from('{"set":{"account/alice":null}}\n'), refusal: /got null/ },
  { what: 'null record', content: Buffer.from(`${GOOD}\nnull\n`), refusal: /line 2: a record must be an object/ },
  { what: 'bytes that are not UTF-8', content: Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), refusal: /line 1 is not valid UTF-8/ },
];

describe('the bundled server on a damaged journal', () => {
  const folders: string[] = [];
  after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('starts on what is provably a torn tail or a missing newline; refuses anything else, naming file and line, and leaves the file as it was', async () => {
    const outcomes: string[] = [];
    for (const { what, content, starts, refusal } of CASES) {
      const dataDir = mkdtempSync(join(tmpdir(), 'fault-journal-'));
      folders.push(dataDir);
      writeFileSync(join(dataDir, JOURNAL_FILE), content);
      if (starts !== undefined) {
        const server = await connectStdio(['--data-dir', dataDir]);
        try {
          assert.equal(await auditTotal(server.call), starts, what);
        } finally {
          await server.close();
        }
        outcomes.push(`${what}: started, total ${starts}`);
        continue;
      }
      const server = await spawnServer(['--data-dir', dataDir]);
      server.child.stdin!.end();
      assert.equal(await server.exited, 1, `${what}: the server refuses to start`);
      assert.match(server.stderr(), refusal!, what);
      assert.match(server.stderr(), new RegExp(`${dataDir.replaceAll('/', '\\/')}\\/journal\\.jsonl line \\d+.*Restore it from a backup or move it away`), `${what}: names the file`);
      assert.deepEqual(readFileSync(join(dataDir, JOURNAL_FILE)), content, `${what}: the journal is untouched`);
      outcomes.push(`${what}: refused (${/line \d+[^;]*/.exec(server.stderr())?.[0]})`);
    }
    console.log(`damaged journals, ${CASES.length} cases:\n  ${outcomes.join('\n  ')}`);
  });

  it('a full disk: deposits fail with "storage full" and nothing acknowledged is lost, with 1 and with 8 workers', { skip: tinyFileSystemUnavailable }, async () => {
    const figures: string[] = [];
    for (const workers of [1, 8]) {
      const disk = mountTinyFileSystem(64);
      try {
        const server = await connectStdio(['--data-dir', disk.path]);
        const acknowledged = new Map<string, number>();
        const failures: string[] = [];
        await Promise.all(
          Array.from({ length: workers }, async (_, worker) => {
            for (let index = 0; failures.length < 20; index++) {
              const account = `w${worker}-${index % 5}`;
              const result = await server.call('deposit', { account, amount: 1 });
              if (result.isError) failures.push((result.content[0] as { text: string }).text);
              else acknowledged.set(account, (acknowledged.get(account) ?? 0) + 1);
            }
          }),
        );
        await server.close();
        for (const message of failures) assert.match(message, /^Storage full: the change was not saved and nothing changed/);
        const restarted = await connectStdio(['--data-dir', disk.path]);
        let lost = 0;
        try {
          const audit = (await restarted.call('audit')).structuredContent as { accounts: Array<{ account: string; balance: number }> };
          const balances = new Map(audit.accounts.map(({ account, balance }) => [account, balance]));
          for (const [account, count] of acknowledged) lost += Math.abs(count - (balances.get(account) ?? 0));
          assert.equal(balances.size, acknowledged.size);
        } finally {
          await restarted.close();
        }
        assert.equal(lost, 0, `${workers} workers: acknowledged deposits lost or added`);
        figures.push(`${workers} worker${workers === 1 ? '' : 's'}: ${[...acknowledged.values()].reduce((sum, count) => sum + count, 0)} acknowledged, ${failures.length} refused "storage full", 0 lost after restart`);
      } finally {
        disk.unmount();
      }
    }
    console.log(`full disk (64 KB tmpfs): ${figures.join('; ')}`);
  });
});
