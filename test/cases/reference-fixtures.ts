import { caseIdOf } from '../../connector/model/case.schema';
import type { Store } from '../../connector/store/store';
import { debtor, invoice } from '../helpers/builders';
import { COMPANY, DEBTOR, seed } from './case-fixtures';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * Two ledgers that both number an invoice INV/2025/00137 (numbers are unique within one ledger
 * only): the fixtures' debtor in `odoo-main`, and a Belgian customer in `odoo-be`.
 */

export const SHARED_NUMBER = 'INV/2025/00137';

export const MAIN_137 = invoice({
  id: 'odoo:move:137',
  source: { system: 'odoo', connection: 'odoo-main', id: '137' },
  number: SHARED_NUMBER,
  debtorId: DEBTOR.id,
  companyId: COMPANY,
  dueDate: '2025-03-05',
  total: 42_489,
  open: 42_489,
});

export const BE_DEBTOR = debtor({
  id: 'odoo-be:partner:9',
  name: 'Brasserie Van Damme SRL',
  source: { system: 'odoo', connection: 'odoo-be', id: '9' },
});
export const BE_COMPANY = 'odoo-be:company:1';
export const BE_CASE_ID = caseIdOf(BE_DEBTOR.id, BE_COMPANY, 'EUR');
export const BE_137 = invoice({
  id: 'odoo-be:move:137',
  source: { system: 'odoo', connection: 'odoo-be', id: '137' },
  number: SHARED_NUMBER,
  debtorId: BE_DEBTOR.id,
  companyId: BE_COMPANY,
  dueDate: '2025-03-01',
  total: 1_250_050,
  open: 1_250_050,
});

/** The fixtures' world plus both INV/2025/00137. */
export async function seedTwoLedgers(store: Store): Promise<void> {
  await seed(store);
  await store.sync.upsertDebtors([BE_DEBTOR]);
  await saveReceivables(store, [MAIN_137, BE_137], '2025-03-01T08:00:00.000Z');
}
