import { adapterRegistry, lawFirmTransports } from '../../adapters/registry';
import type { Config } from '../../config/config.schema';
import { LawFirmLink } from '../lawfirm/link';
import { connectionWriteBack } from '../sync/connections';
import type { Logger } from '../log/logger';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';

/** The link to the configured partner over its transport (adapters/registry.ts); undefined without `lawfirm:`. */
export function openLawFirmLink(
  config: Config,
  deps: {
    store: Store;
    clock: Clock;
    logger: Logger;
    onApplied?: LawFirmLink['options']['onApplied'];
    afterApplied?: LawFirmLink['options']['afterApplied'];
  },
): LawFirmLink | undefined {
  const lf = config.lawfirm;
  if (!lf) return undefined;
  const transport = lawFirmTransports[lf.transport](lf, { clock: deps.clock });
  // Only where some ledger cannot take a note or an activity does an event read its case's items
  // to find out; with ledgers that take both (Odoo), events are applied as they always were.
  const writeBack = connectionWriteBack(config.connections, adapterRegistry);
  const everyLedgerTakesAll = config.connections.every((c) =>
    (['note', 'activity'] as const).every((kind) => writeBack(c.id)?.includes(kind)),
  );
  return new LawFirmLink({
    id: lf.id,
    partner: transport.partner,
    stateOf: transport.stateOf,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    ...(everyLedgerTakesAll ? {} : { ledgerWriteBack: writeBack }),
    ...(transport.webhook ? { webhook: { verifier: transport.webhook } } : {}),
    ...(deps.onApplied ? { onApplied: deps.onApplied } : {}),
    ...(deps.afterApplied ? { afterApplied: deps.afterApplied } : {}),
  });
}
