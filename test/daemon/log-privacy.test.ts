import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { XmlRpcOdooRpc } from '../../adapters/odoo/transport/xmlrpc-rpc';
import { frenchNumberToE164, isE164 } from '../../adapters/sms';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { REDACTED } from '../../connector/log/logger';

/**
 * "Logs never contain secrets or full personal data": the demo daemon runs at debug level on a
 * fast clock — it syncs, decides, sends e-mails, SMS and letters, writes ledger notes — while the
 * simulators fail, cut connections and ask to slow down, a few partners get malformed e-mails and
 * phone numbers in Odoo, and the API is called with a wrong token and the right one. Then every
 * line it logged is searched for every secret of its configuration and for every debtor's name,
 * e-mail addresses, phone numbers and street lines.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent = new Writable({ write: (_c, _e, done) => done() });

interface Needle {
  what: string;
  value: string;
  /** Digits only: matched where no digit stands on either side, so that it is not found inside a longer number. */
  digits?: boolean;
}

interface Partner {
  id: number;
  name: string | false;
  email: string | false;
  phone: string | false;
  street: string | false;
  street2: string | false;
  customer_rank: number;
  parent_id: [number, string] | false;
}

const PARTNER_FIELDS = ['name', 'email', 'phone', 'street', 'street2', 'customer_rank', 'parent_id'];
/** Malformed contact data as people key it in: dropped by the mapping, which must not log it either. */
const MALFORMED = [
  { email: 'marie.dupuis.malformee@@example.com', phone: '06 12 34 56' },
  { email: 'jean-paul.leblanc chez example.com', phone: 'tél 07 98 76 54 32 (soir)' },
  { email: 'c.morel@exemple', phone: '+33 6 11 22 33 44 55 66' },
];

/** A number as stored, in E.164, and as digits only (national and international). */
function phoneForms(phone: string): string[] {
  const forms = new Set([phone]);
  const digits = phone.replace(/\D/g, '');
  const e164 = isE164(phone)
    ? phone
    : (frenchNumberToE164(phone) ??
      frenchNumberToE164(digits) ??
      (phone.trim().startsWith('+') ? `+${digits}` : undefined));
  if (e164) forms.add(e164);
  if (digits.length >= 8) forms.add(digits);
  if (e164?.startsWith('+33')) forms.add(`0${e164.slice(3)}`);
  return [...forms];
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(strings);
}

/** The needles found in a line, as written and as its JSON decodes (escapes undone). */
function leaks(line: string, needles: readonly Needle[]): Needle[] {
  const text = [line, ...strings(JSON.parse(line))].join('\n');
  const lower = text.toLowerCase();
  return needles.filter((n) =>
    n.digits ? new RegExp(`(?<!\\d)${n.value}(?!\\d)`).test(text) : lower.includes(n.value.toLowerCase()),
  );
}

describe('the daemon log', () => {
  let running: RunningDaemon;
  const lines: string[] = [];
  /** Every version of every customer and contact the ledger held: a value it held at any time may have been logged. */
  const partners: Partner[] = [];
  /** What the run has not done yet: e-mails, SMS and letters received by the simulators, notes and call tasks in the ledger. */
  const missingWork = async (): Promise<string[]> => {
    const demo = running.demo!;
    const performed = new Set<string>((await running.store.outbox.listActions({ status: 'done' })).map((a) => a.kind));
    const missing = ['ledger_note', 'phone_task'].filter((k) => !performed.has(k));
    if (readdirSync(demo.mailDir).length === 0) missing.push('e-mail received');
    if (demo.sms.sent().length === 0) missing.push('SMS received');
    if (demo.postal.sent().length === 0) missing.push('letter received');
    return missing;
  };
  const wrongToken = `wrong-${randomBytes(16).toString('hex')}`;
  let odoo: XmlRpcOdooRpc;
  const readPartners = async () => {
    const rows = await odoo.call<Partner[]>(
      'res.partner',
      'search_read',
      { domain: [['active', 'in', [true, false]]], fields: PARTNER_FIELDS },
      { isWrite: false },
    );
    partners.push(...rows.filter((p) => p.customer_rank > 0 || p.parent_id));
  };

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    const dataDir = join(mkdtempSync(join(tmpdir(), 'recouvra-log-privacy-')), 'data');
    running = await startDaemon({ clockSpeed: 2 * 86_400, demoInvoices: 400, seed: 7, dataDir }, silent, {
      log: { level: 'debug', format: 'json', transport: new winston.transports.Stream({ stream }) },
    });
    const demo = running.demo!;
    odoo = new XmlRpcOdooRpc({
      baseUrl: demo.odooUrl,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
    await readPartners();

    // Failures on every channel: server errors, refusals, cut connections, requests to slow down.
    demo.odoo.controls.failNext(2, 503);
    demo.sms.controls.failNext(2, 503);
    demo.sms.controls.failNext(1, 400);
    demo.sms.controls.rateLimitNext(1, 3_600);
    demo.sms.controls.dropNext(1);
    demo.postal.controls.failNext(2, 503);
    demo.postal.controls.failNext(1, 400);
    demo.postal.controls.rateLimitNext(1, 3_600);
    demo.postal.controls.dropNext(1);
    await sleep(1_500);
    // The Odoo failures are the daemon's to meet: the test's own calls below wait until it has
    // (on a loaded machine its next sync may come after the 1.5 s above).
    for (const until = Date.now() + 30_000; demo.odoo.controls.failures.length > 0 && Date.now() < until;)
      await sleep(100);

    // Malformed contact data on a few customers with open invoices: the next sync reads and drops it.
    const open = await odoo.call<{ partner_id: [number, string] }[]>(
      'account.move',
      'search_read',
      {
        domain: [
          ['move_type', '=', 'out_invoice'],
          ['payment_state', 'in', ['not_paid', 'partial']],
          ['state', '=', 'posted'],
        ],
        fields: ['partner_id'],
      },
      { isWrite: false },
    );
    const ids = [...new Set(open.map((m) => m.partner_id[0]))].slice(0, MALFORMED.length);
    for (const [i, id] of ids.entries())
      await odoo.call('res.partner', 'write', { ids: [id], vals: MALFORMED[i]! }, { isWrite: true });
    demo.odoo.controls.failNext(1, 429, '1');
    await sleep(2_000);

    // The API, with no token, a wrong one, and the right one; personal data in a path must not be logged.
    const url = running.apiUrl!;
    const token = running.runtime.config.api!.token!;
    const asked = { validateStatus: () => true };
    const email = partners.find((p) => p.email)!.email as string;
    expect((await axios.get(`${url}/cases`, asked)).status).toBe(401);
    expect(
      (await axios.get(`${url}/cases`, { ...asked, headers: { Authorization: `Bearer ${wrongToken}` } })).status,
    ).toBe(401);
    const right = { ...asked, headers: { Authorization: `Bearer ${token}` } };
    const cases = await axios.get<{ cases: { id: string }[] }>(`${url}/cases?limit=3`, right);
    expect(cases.status).toBe(200);
    for (const c of cases.data.cases)
      expect((await axios.get(`${url}/cases/${encodeURIComponent(c.id)}/journal`, right)).status).toBe(200);
    expect((await axios.get(`${url}/cases/${encodeURIComponent(email)}`, right)).status).toBe(404);
    expect((await axios.get(`${url}/nowhere/${encodeURIComponent(email)}`, right)).status).toBe(404);
    expect((await axios.post(`${url}/connections/odoo-demo/sync`, undefined, right)).status).toBeLessThan(300);
    expect((await axios.get(`${url}/health`, asked)).status).toBe(200);
    expect((await axios.get(`${url}/metrics`, asked)).status).toBe(200);
    // Until every channel has done some of its work (letters come last, after the injected failures).
    // Alone this takes about 20 s; beside the other suites on two cores it can take several times
    // that (in CI, beside the crash tests, letters were not there after 100 s).
    const deadline = Date.now() + 200_000;
    while (Date.now() < deadline && (await missingWork()).length > 0) await sleep(500);
    await readPartners();
  }, 260_000);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the start failed
    await running?.stop();
  });

  /** The secrets: the API token (and the wrong one sent), and every key and password of the configuration. */
  function secretNeedles(): Needle[] {
    const { config } = running.runtime;
    const needles: Needle[] = [
      { what: 'the API token', value: config.api!.token! },
      { what: 'the wrong API token sent', value: wrongToken },
      { what: 'the Odoo admin API key', value: 'admin-api-key' },
    ];
    const sms = config.channels.sms;
    const postal = config.channels.postal;
    const email = config.channels.email;
    if (sms) needles.push({ what: 'the SMS API key', value: sms.apiKey });
    if (postal) needles.push({ what: 'the postal API key', value: postal.apiKey });
    if (email?.auth) needles.push({ what: 'the SMTP password', value: email.auth.pass });
    for (const c of config.connections) {
      for (const [k, v] of Object.entries(c as Record<string, unknown>))
        if (/key|pass|token|secret/i.test(k) && typeof v === 'string')
          needles.push({ what: `connection ${c.id} ${k}`, value: v });
    }
    return needles.filter((n) => n.value !== '');
  }

  /** Personal data: every debtor of the store and every customer and contact the ledger held. */
  async function personalNeedles(): Promise<Needle[]> {
    const needles: Needle[] = [];
    const phone = (who: string, value: string) => {
      for (const form of phoneForms(value))
        needles.push({ what: `phone of ${who}`, value: form, digits: /^\d+$/.test(form) });
    };
    for (const c of await running.store.cases.listCases()) {
      const d = await running.store.sync.getDebtor(c.debtorId);
      if (!d) continue;
      needles.push({ what: `name of debtor ${d.id}`, value: d.name });
      for (const e of d.emails) needles.push({ what: `e-mail of debtor ${d.id}`, value: e });
      for (const p of d.phones) phone(`debtor ${d.id}`, p);
      for (const a of d.addresses)
        for (const l of a.lines) needles.push({ what: `address of debtor ${d.id}`, value: l });
    }
    for (const p of partners) {
      const who = `partner ${p.id}`;
      if (p.name) needles.push({ what: `name of ${who}`, value: p.name });
      if (p.email) needles.push({ what: `e-mail of ${who}`, value: p.email });
      if (p.phone) phone(who, p.phone);
      for (const l of [p.street, p.street2]) if (l) needles.push({ what: `address of ${who}`, value: l });
    }
    const unique = new Map(needles.map((n) => [n.value, n]));
    return [...unique.values()];
  }

  const kinds = (needles: Needle[], what: string) => needles.filter((n) => n.what.startsWith(what));

  it('logged the work: sync, decisions, outbox, API, failures, at debug and info', () => {
    expect(lines.length).toBeGreaterThan(20);
    const parsed = lines.map((l) => JSON.parse(l) as { level: string; message: string });
    const levels = new Set(parsed.map((l) => l.level));
    for (const level of ['debug', 'info', 'warn']) expect(levels).toContain(level);
    const said = (re: RegExp) => parsed.filter((l) => re.test(l.message));
    expect(said(/^sync odoo-demo: read/).length).toBeGreaterThan(0);
    // One line per partner at info, naming the fields set aside, never their values.
    expect(
      said(
        /^sync odoo-demo\/debtors: partner \d+: ignored .*(email \(.*is not valid\)|(phone|mobile) \(not a phone number\))/,
      ).length,
    ).toBeGreaterThan(0);
    expect(said(/^evaluated \d+ case/).length).toBeGreaterThan(0);
    expect(said(/^outbox: \d+ done/).length).toBeGreaterThan(0);
    expect(said(/^outbox sms .*(retried|failed)/).length).toBeGreaterThan(0);
    expect(said(/^outbox (letter|registered_letter) .*(retried|failed)/).length).toBeGreaterThan(0);
    // Odoo's 503s and 429 stop a sync (the queue retries it) or put a ledger row back (the outbox retries it).
    expect(
      said(
        /^(sync odoo-demo stopped: ODOO_|outbox (ledger_note|ledger_activity|phone_task) \S+: (retried|failed): ODOO_)/,
      ).length,
    ).toBeGreaterThan(0);
    expect(said(/^http GET \/cases 401/).length).toBe(2);
    expect(said(/^http GET \/cases 200/).length).toBe(1);
    expect(said(/^http GET \/health 200/).length).toBe(1);
    expect(parsed.find((l) => /^http GET \/health/.test(l.message))!.level).toBe('debug');
  });

  it('the work reached every channel', async () => {
    expect(await missingWork()).toEqual([]);
  });

  it('holds no secret', () => {
    const needles = secretNeedles();
    expect(needles.map((n) => n.what)).toEqual(
      expect.arrayContaining(['the API token', 'the SMS API key', 'the postal API key', 'connection odoo-demo apiKey']),
    );
    expect(offending(needles)).toEqual([]);
  });

  it('redacted nothing: no secret even reached the logger', () => {
    expect(lines.filter((l) => l.includes(REDACTED))).toEqual([]);
  });

  it('holds no name, e-mail address, phone number or street of a debtor', async () => {
    const needles = await personalNeedles();
    expect(kinds(needles, 'e-mail').length).toBeGreaterThan(50);
    expect(kinds(needles, 'phone').length).toBeGreaterThan(50);
    expect(kinds(needles, 'address').length).toBeGreaterThan(50);
    expect(kinds(needles, 'name').length).toBeGreaterThan(50);
    for (const m of MALFORMED) expect(needles.map((n) => n.value)).toEqual(expect.arrayContaining([m.email, m.phone]));
    expect(offending(needles)).toEqual([]);
  });

  it('the search finds every searched value in a line that holds it', async () => {
    const needles = [...secretNeedles(), ...(await personalNeedles())];
    const missed = needles.filter(
      (n) => leaks(JSON.stringify({ level: 'info', message: `about ${n.value}.` }), [n]).length === 0,
    );
    expect(missed).toEqual([]);
  });

  /** One entry per offending line: the line and what leaked, so that a failure says where to look. */
  function offending(needles: readonly Needle[]): { line: string; leaked: string[] }[] {
    return lines.flatMap((line) => {
      const found = leaks(line, needles);
      return found.length ? [{ line, leaked: found.map((n) => `${n.what}: ${n.value}`) }] : [];
    });
  }
});
