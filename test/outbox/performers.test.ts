import { loadFrenchLegalData } from '../../connector/claim/legal-data';
import { parseConfig } from '../../connector/config/load-config';
import { ActionKindSchema } from '../../connector/model/action.schema';
import { PERFORMERS, performersFor, type PerformerPorts } from '../../connector/outbox/performers';
import type { EmailChannel } from '../../connector/ports/email';
import type { PostalProvider } from '../../connector/ports/postal';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';

/** Every kind of row has its performer in one registry; a kind whose port is missing has none, and its rows wait. */

const config = parseConfig(
  'performers.yaml',
  `version: 1
company:
  name: Registry Test SAS
  address: { lines: ["1 rue du Test"], postalCode: "75001", city: Paris, country: FR }
  contact: { email: recouvrement@registry.test }
`,
  { env: {} },
).config;

const unused = (): never => {
  throw new Error('not called: performers are only built here');
};
const ports: PerformerPorts = {
  config,
  store: {} as Store,
  clock: fixedClock('2025-03-18T08:00:00.000Z'),
  legal: loadFrenchLegalData(),
  ledgers: new Map(),
};
const email: EmailChannel = { send: unused, verify: unused, close: () => undefined };
const postal: PostalProvider = { send: unused, status: unused, proof: unused };

describe('the performer registry', () => {
  it('registers a factory for every kind of outbox row', () => {
    expect(Object.keys(PERFORMERS).sort()).toEqual([...ActionKindSchema.options].sort());
  });

  it('without a channel, only the ledger rows have a performer', () => {
    expect(Object.keys(performersFor(ports))).toEqual(['ledger_note', 'ledger_activity', 'phone_task']);
  });

  it('a configured channel brings the performers of its kinds', () => {
    expect(Object.keys(performersFor({ ...ports, email, postal }))).toEqual([
      'ledger_note',
      'ledger_activity',
      'phone_task',
      'email',
      'letter',
      'registered_letter',
    ]);
  });
});
