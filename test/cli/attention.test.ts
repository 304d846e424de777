import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runActionRetry, runAttention } from '../../connector/app/cli/case-actions-command';
import { ActionSchema } from '../../connector/model/action.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { CASE_ID, handClock, seed } from '../cases/case-fixtures';

/** `recouvra cases attention` and `recouvra actions retry` on a real SQLite file. */

const clock = handClock('2025-03-24T09:00:00.000Z');

async function inStore<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function world(): Promise<{ config: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-attention-'));
  const path = join(dir, 'store.sqlite');
  await inStore(path, async (store) => {
    await store.migrate();
    await seed(store);
    const at = '2025-03-20T08:00:00.000Z';
    const action = ActionSchema.parse({
      id: 'act-sms',
      idempotencyKey: `${CASE_ID}/reminder-1/sms`,
      caseId: CASE_ID,
      decisionId: null,
      subject: { type: 'decision', decisionId: 'dec-unrecorded' },
      kind: 'sms',
      template: 'reminder-1',
      status: 'pending',
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
    await store.cases.applyCaseChange({
      caseAfter: (await store.cases.getCase(CASE_ID))!,
      actions: [action],
      journal: [],
    });
    await store.outbox.completeAction({
      id: action.id,
      status: 'failed',
      attempts: 1,
      lastError: 'SMS_NO_NUMBER: debtor odoo:partner:7 has no French mobile number in the ledger',
      at,
    });
  });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  return { config, path };
}

describe('recouvra cases attention', () => {
  it('prints, per stuck case, why and what to do; --json prints what GET /cases/attention answers', async () => {
    const { config } = await world();
    const text = await runAttention({ config, clock });
    expect(text.stderr).toBe('');
    expect(text.stdout).toBe(
      [
        `Garage Lemoine SARL · open · debtor cannot be reached since 2025-03-20 09:00  [${CASE_ID}]`,
        '    why:   the SMS (reminder-1) could not go out: the debtor has no French mobile number in the ledger',
        "    to do: add the debtor's mobile number in the ledger; once the next sync has brought it, send it again: recouvra actions retry act-sms (API: POST /actions/act-sms/retry)",
        '1 case(s) need attention (1 point(s)).',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await runAttention({ config, clock, json: true })).stdout) as {
      attention: { kind: string; actionId: string }[];
    };
    expect(json.attention).toEqual([
      expect.objectContaining({ caseId: CASE_ID, kind: 'debtor_unreachable', actionId: 'act-sms' }),
    ]);
  });

  it('actions retry sends the row again under the CLI user, and the case leaves the list', async () => {
    const { config, path } = await world();
    const r = await runActionRetry({ config, clock, actionId: 'act-sms' });
    expect(r).toEqual({
      exitCode: 0,
      stdout: `The SMS act-sms will be sent again by the daemon — case ${CASE_ID} (Garage Lemoine SARL).\n`,
      stderr: '',
    });
    await inStore(path, async (store) => {
      expect(await store.outbox.getAction('act-sms')).toMatchObject({ status: 'pending', attempts: 0 });
      expect((await store.cases.readJournal(CASE_ID)).at(-1)?.actor).toEqual({
        kind: 'user',
        id: `cli:${userInfo().username}`,
      });
    });
    expect((await runAttention({ config, clock })).stdout).toBe('No case needs attention.\n');
    expect(await runActionRetry({ config, clock, actionId: 'act-sms' })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        'action act-sms is pending, not failed: only a row that failed for good is sent again (ACTION_NOT_FAILED)\n',
    });
  });
});
