import { compareKeysets, keysetOf } from '../../../adapters/sage-100-fr/reader';
import { fixedClock } from '../../../connector/time/clock';
import { describeAdapterConformance, type ConformanceHarness } from '../conformance.contract';
import { startFixtureSource } from './fixture-source';

/**
 * The Sage 100 France adapter on its SQLite fixture behind the shared conformance suite.
 * Sage's own changes are played on the fixture as Sage makes them: a payment or a cancellation
 * (a reversal: Sage 100 cannot cancel a posted entry) letters the invoice line with a new credit
 * line; a deletion removes the line; a change shared by several invoices is a one-cent partial
 * payment on each, stamped with one cbModification. Sage's clock is the fixture's; the connector's
 * clock only stamps what the store writes.
 */

const CONNECTION = 'sage100-conf';

const harness: ConformanceHarness = {
  clock: fixedClock(new Date('2026-04-01T10:00:00Z')),
  async start({ invoices }) {
    // About 1.4 open receivables per generated customer (schema/seed.ts).
    const source = await startFixtureSource({
      connection: CONNECTION,
      seed: 21,
      customers: Math.round(invoices / 1.4),
    });
    const id = (ecNo: number) => `${CONNECTION}:F_ECRITUREC:${ecNo}`;
    return {
      connection: CONNECTION,
      adapter: (options = {}) => source.adapter(options),
      openIds: async () => new Set((await source.openLineNumbers()).map(id)),
      pay: async (n) => {
        const lines = await source.take(n);
        for (const l of lines) await source.letter(l, 'payment');
        return lines.map((l) => id(l.EC_No));
      },
      cancel: async (n) => {
        const lines = await source.take(n);
        for (const l of lines) await source.letter(l, 'reversal');
        return lines.map((l) => id(l.EC_No));
      },
      remove: async (n) => {
        const lines = await source.take(n);
        for (const l of lines) await source.db.deleteFrom('F_ECRITUREC').where('EC_No', '=', l.EC_No).execute();
        return lines.map((l) => id(l.EC_No));
      },
      touchInOneTransaction: async (n) => {
        const lines = await source.take(n);
        const at = source.now();
        for (const l of lines) await source.payCent(l, at);
        return lines.map((l) => id(l.EC_No));
      },
      // The lettering is stamped when the transaction starts and seen when it commits.
      payLate: () => {
        const at = source.now();
        const picked = source.take(1);
        let ecNo = 0;
        const ready = picked.then(([l]) => {
          ecNo = l!.EC_No;
          return l!;
        });
        return {
          get id() {
            return id(ecNo);
          },
          commit: async () => source.letter(await ready, 'payment', at),
        };
      },
      advance: (seconds) => source.advance(seconds),
      failNext: (count, status, retryAfter) => source.failNext(count, status, retryAfter),
      addBadRecord: async () => {
        const today = `${source.now().slice(0, 10)}T00:00:00.000`;
        const ecNo = await source.insertLine({
          CT_Num: 'CDUPONT',
          EC_Sens: 0,
          JO_Num: 'VTE',
          EC_RefPiece: 'FA09999',
          EC_Piece: 'FA09999',
          EC_Montant: '1200.000000',
          EC_Date: today,
          EC_Echeance: new Date(Date.parse(`${today}Z`) - 10 * 86_400_000).toISOString().slice(0, 23),
        });
        return {
          sourceId: `F_ECRITUREC:${ecNo}`,
          canonicalId: id(ecNo),
          reasonMentions: /EC_Echeance is before EC_Date: due date is before the issue date/,
        };
      },
      compareCursors: (_stream, a, b) => compareKeysets(keysetOf(a)!, keysetOf(b)!),
      stop: () => source.stop(),
    };
  },
};

describeAdapterConformance('Sage 100 France (SQLite fixture)', harness);
