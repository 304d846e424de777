import { OdooConnectionSchema } from '../../adapters/odoo/config.schema';
import { ConnectionBaseSchema } from '../../config/config.schema';
import { engineSettings, ErpConnectionBaseSchema } from '../../connector/sync/connection-base.schema';

/** The settings every connection has live in one schema of the core; each adapter's extends it. */

const odoo = { id: 'odoo', type: 'odoo', url: 'https://erp.example.com', database: 'd', login: 'l', apiKey: 'k' };

describe('the base schema of a connection', () => {
  it('the Odoo schema is the base one extended: the same keys, the same rules, the same defaults', () => {
    for (const key of Object.keys(ErpConnectionBaseSchema.shape) as (keyof typeof ErpConnectionBaseSchema.shape)[])
      expect(Object.keys(OdooConnectionSchema.shape)).toContain(key);
    expect(OdooConnectionSchema.shape.pageSize).toBe(ErpConnectionBaseSchema.shape.pageSize);
    expect(OdooConnectionSchema.shape.fullReconciliationHours).toBe(
      ErpConnectionBaseSchema.shape.fullReconciliationHours,
    );
    expect(OdooConnectionSchema.shape.id).toBe(ErpConnectionBaseSchema.shape.id);
    expect(OdooConnectionSchema.parse(odoo)).toMatchObject({ pageSize: 500, fullReconciliationHours: 24 });
    const bad = OdooConnectionSchema.safeParse({ ...odoo, pageSize: 0, fullReconciliationHours: 721, id: 'Odoo!' });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'fullReconciliationHours',
      'id',
      'pageSize',
    ]);
  });

  it('an extended schema stays strict: a misspelt key is an error, and the type is the adapter’s own', () => {
    expect(OdooConnectionSchema.safeParse({ ...odoo, pagesize: 100 }).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['pagesize'],
    });
    expect(OdooConnectionSchema.safeParse({ ...odoo, type: 'quickbooks' }).success).toBe(false);
    expect(ErpConnectionBaseSchema.safeParse({ id: 'x', type: 'quickbooks', realm: 1 }).success).toBe(false);
  });

  it('the configuration file checks a connection id by the same rule', () => {
    const message = 'connection id must be lower-case letters, digits, "-" or "_" (at most 63)';
    expect(ConnectionBaseSchema.safeParse({ id: 'Odoo!', type: 'odoo' }).error?.issues[0]?.message).toBe(message);
    expect(ErpConnectionBaseSchema.safeParse({ id: 'Odoo!', type: 'odoo' }).error?.issues[0]?.message).toBe(message);
  });

  it('the engine takes its settings from a parsed entry', () => {
    expect(engineSettings(OdooConnectionSchema.parse({ ...odoo, fullReconciliationHours: 6 }))).toEqual({
      fullEveryHours: 6,
    });
    expect(engineSettings({})).toEqual({});
  });
});
