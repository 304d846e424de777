import { isOtherSchemaDropped } from '../../connector/store/migrate';

/** Kysely lists the tables of every schema when it migrates: another tenant's drop at that moment is not ours to fail on. */
describe('a migration failure caused by another schema being dropped', () => {
  const pg = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('is recognised when it names another schema (3F000 or 42P01)', () => {
    expect(isOtherSchemaDropped(pg('3F000', 'schema "tenant_b" does not exist'), 'tenant_a')).toBe(true);
    expect(
      isOtherSchemaDropped(pg('42P01', 'relation "recouvra_costs_1837.kysely_migration" does not exist'), 'tenant_a'),
    ).toBe(true);
  });

  it('is not when it names our own schema, or no schema, or is another error', () => {
    expect(isOtherSchemaDropped(pg('3F000', 'schema "tenant_a" does not exist'), 'tenant_a')).toBe(false);
    expect(isOtherSchemaDropped(pg('42P01', 'relation "tenant_a.cases" does not exist'), 'tenant_a')).toBe(false);
    expect(isOtherSchemaDropped(pg('42P01', 'relation "cases" does not exist'), 'tenant_a')).toBe(false);
    expect(isOtherSchemaDropped(pg('23505', 'duplicate key value violates unique constraint'), 'tenant_a')).toBe(false);
    expect(isOtherSchemaDropped('a string', 'tenant_a')).toBe(false);
  });
});
