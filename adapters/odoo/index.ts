import { AdapterError } from '../../connector/ports/adapter-error';
import type {
  AdapterDefinition,
  AdapterDeps,
  CheckResult,
  ErpAdapter,
  ReadPosition,
  StreamName,
} from '../../connector/ports/erp';
import { ODOO_WRITE_BACK, OdooConnectionSchema, type OdooConnection } from './config.schema';

export { ODOO_WRITE_BACK };
import { OdooReader } from './reader';
import { BODY_IS_HTML_SINCE_MAJOR, OdooSession, OPTIONAL_PARTNER_FIELDS } from './session';
import { OdooWriter } from './writer';

/**
 * The Odoo adapter (16.0 to 19.0, self-hosted, Odoo.sh or Online): XML-RPC or JSON-2 chosen by
 * configuration or by the server's version; reads customer invoices and credit notes with their
 * commercial partners, and writes recovery status back as notes, activities, `x_` fields and, when
 * the recouvra_status addon is installed, its fields.
 */
export function createOdooAdapter(config: OdooConnection, deps: AdapterDeps): ErpAdapter {
  const session = new OdooSession(config, deps);
  const reader = new OdooReader(session);
  const writer = new OdooWriter(session, deps.clock);
  return {
    writeBackKinds: ODOO_WRITE_BACK,
    check: () => check(session),
    // Partners first: a page of invoices then rarely needs to fetch its debtors.
    streams: (): StreamName[] => ['debtors', 'receivables'],
    read: (stream: StreamName, position: ReadPosition) => {
      if (stream === 'receivables') return reader.receivablesPage(position);
      if (stream === 'debtors') return reader.debtorsPage(position);
      throw new AdapterError({
        code: 'ODOO_NO_SUCH_STREAM',
        kind: 'config',
        userMessage: `the Odoo adapter has no stream "${stream}" (it has debtors and receivables; payments are read as open amounts)`,
      });
    },
    estimate: (stream: StreamName, position: ReadPosition) =>
      stream === 'receivables' || stream === 'debtors' ? reader.count(stream, position) : Promise.resolve(undefined),
    listOpenReceivableIds: (onProgress) => reader.openReceivableIds(onProgress),
    readByIds: (ids) => reader.byIds(ids),
    writeBack: (request) => writer.writeBack(request),
    invoicePdf: (receivableId) => reader.invoicePdf(receivableId),
    close: async () => undefined,
  };
}

/**
 * Models the connector reads: invoices and partners for the sync, countries when partners lack
 * `country_code`, messages and activities to find its own earlier writes, attachments for the invoice
 * PDFs of a dossier. Each is probed with a one-id `search`, so that a missing right is found here,
 * with the groups that would grant it, and not halfway through a sync.
 */
function modelsRead(partnerFields: ReadonlySet<string>): string[] {
  return [
    'account.move',
    'res.partner',
    ...(partnerFields.has('country_code') ? [] : ['res.country']),
    'mail.message',
    'mail.activity',
    'ir.attachment',
  ];
}

async function check(session: OdooSession): Promise<CheckResult> {
  let facts;
  try {
    facts = await session.prepare();
  } catch (e) {
    return { ok: false, capabilities: {}, problems: [problemOf(e)] };
  }
  const { stageField, procedureField } = session.config.writeBack;
  let moveFields: Set<string>;
  let addon: boolean;
  try {
    moveFields = await facts.moveFields();
    addon = (await facts.statusAddon()) !== undefined;
  } catch (e) {
    return { ok: false, capabilities: {}, problems: [problemOf(e)] };
  }
  const capabilities: Record<string, boolean> = {
    json2: facts.protocol === 'json2',
    body_is_html: facts.version.major >= BODY_IS_HTML_SINCE_MAJOR,
    payment_state_blocked: facts.version.major >= 18,
    ...Object.fromEntries(OPTIONAL_PARTNER_FIELDS.map((f) => [`res.partner.${f}`, facts.partnerFields.has(f)])),
    [`account.move.${stageField}`]: moveFields.has(stageField),
    [`account.move.${procedureField}`]: moveFields.has(procedureField),
    // The recouvra_status addon (addon/README.md): its fields are written after each note when it is there.
    'addon.recouvra_status': addon,
  };
  const problems: string[] = [];
  // Every problem at once: a user fixing rights should not discover them one check at a time.
  for (const model of modelsRead(facts.partnerFields)) {
    try {
      await session.call(model, 'search', { domain: [], limit: 1 }, false);
    } catch (e) {
      problems.push(problemOf(e));
    }
  }
  try {
    problems.push(...(await activityProblems(session, facts.uid)));
  } catch (e) {
    problems.push(problemOf(e));
  }
  return { ok: problems.length === 0, serverVersion: facts.version.serverVersion, capabilities, problems };
}

/**
 * An activity assigned to another user notifies them as coming from the integration user, and Odoo
 * refuses it when that user has no e-mail address (fault 2, captures v18-27/28); assigned to itself
 * it needs none (v18-52). The responsible user must exist and be active to see the task.
 */
async function activityProblems(session: OdooSession, uid: number): Promise<string[]> {
  const responsible = session.config.writeBack.activityUserId;
  if (responsible === undefined || responsible === uid) return [];
  type UserRow = { id: number; name?: unknown; login?: unknown; active?: unknown; partner_id?: unknown };
  // `active_test: False`: an archived user is found, and reported as archived rather than missing.
  const users = await session.call<UserRow[]>(
    'res.users',
    'search_read',
    {
      domain: [['id', 'in', [uid, responsible]]],
      fields: ['name', 'login', 'active', 'partner_id'],
      context: { active_test: false },
    },
    false,
  );
  const byId = new Map((Array.isArray(users) ? users : []).map((u) => [u.id, u]));
  const problems: string[] = [];
  const target = byId.get(responsible);
  const setting = `\`writeBack.activityUserId: ${responsible}\``;
  if (!target)
    problems.push(
      `ODOO_ACTIVITY_USER_NOT_FOUND: ${setting} names no Odoo user: set it to the id of an active internal user (Settings › Users & Companies › Users, the id in the page address), or remove it to assign activities to the integration user`,
    );
  else if (target.active === false)
    problems.push(
      `ODOO_ACTIVITY_USER_ARCHIVED: ${setting} is the archived user "${String(target.name)}": activities assigned to it would be seen by nobody; unarchive it or name another user`,
    );
  const self = byId.get(uid);
  const partnerId =
    Array.isArray(self?.partner_id) && typeof self.partner_id[0] === 'number' ? self.partner_id[0] : undefined;
  if (target && partnerId !== undefined) {
    const [partner] = await session.call<{ email?: unknown }[]>(
      'res.partner',
      'read',
      { ids: [partnerId], fields: ['email'], context: { active_test: false } },
      false,
    );
    if (!(typeof partner?.email === 'string' && partner.email.trim() !== '')) {
      const login = typeof self?.login === 'string' ? self.login : session.config.login;
      problems.push(
        `ODOO_SENDER_EMAIL_MISSING: activities are assigned to user ${responsible} ("${String(target.name)}"), and Odoo notifies them by e-mail from the integration user "${login}", who has no e-mail address: Odoo would refuse every activity ("Unable to send message, please configure the sender's email address."). Set an e-mail address on "${login}" (Settings › Users & Companies › Users › Email), or remove ${setting} to assign activities to the integration user itself`,
      );
    }
  }
  return problems;
}

function problemOf(e: unknown): string {
  if (e instanceof AdapterError) return `${e.code}: ${e.userMessage}`;
  throw e;
}

export const odooAdapter: AdapterDefinition<OdooConnection> = {
  type: 'odoo',
  displayName: 'Odoo (16.0–19.0, XML-RPC or JSON-2)',
  configSchema: OdooConnectionSchema,
  writeBackKinds: () => ODOO_WRITE_BACK,
  create: (config, deps) => createOdooAdapter(config, deps),
};
