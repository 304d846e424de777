import {
  graphqlUrlOf,
  SageActiveConnectionSchema,
  sageActiveWriteBack,
} from '../../../adapters/sage-active/config.schema';

const base = {
  id: 'sage-fr',
  type: 'sage-active',
  clientId: 'app-123',
  subscriptionKey: 'sub-key',
  organizationId: '3f2c6a1e-8b4d-4c2a-9e7f-1a2b3c4d5e6f',
};

describe('sage-active connection settings', () => {
  it('defaults to the French gateway, 500-item pages, Sage’s announced limit, and both write-backs', () => {
    const c = SageActiveConnectionSchema.parse(base);
    expect(c).toMatchObject({ market: 'fr', pageSize: 500, requestsPerMinute: 3000 });
    expect(c.writeBack).toEqual({ entryFiles: true, customerComments: true });
    expect(graphqlUrlOf(c)).toBe('https://api.fr.active.sage.com/graphql');
    expect(graphqlUrlOf({ ...c, baseUrl: 'http://127.0.0.1:8093/' })).toBe('http://127.0.0.1:8093/graphql');
    expect(graphqlUrlOf({ ...c, market: 'de' })).toBe('https://api.de.active.sage.com/graphql');
  });

  it('says what is wrong, field by field: pages over 500, an organisation that is not a UUID, an unknown key', () => {
    const wrong = SageActiveConnectionSchema.safeParse({
      ...base,
      pageSize: 501,
      organizationId: 'acme',
      tenantId: 'x',
    });
    expect(wrong.success).toBe(false);
    const messages = wrong.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'pageSize: pageSize is at most 500 for Sage Active (Relay pages)',
        'organizationId: organizationId is a UUID (recouvra connect sage-active lists them)',
      ]),
    );
    expect(messages.some((m) => m.includes('tenantId'))).toBe(true);
  });

  it('writes notes while either place is on, nothing when both are off (a read-only ledger)', () => {
    const on = SageActiveConnectionSchema.parse(base);
    expect(sageActiveWriteBack(on)).toEqual(['note']);
    const filesOnly = SageActiveConnectionSchema.parse({ ...base, writeBack: { customerComments: false } });
    expect(sageActiveWriteBack(filesOnly)).toEqual(['note']);
    const off = SageActiveConnectionSchema.parse({
      ...base,
      writeBack: { entryFiles: false, customerComments: false },
    });
    expect(sageActiveWriteBack(off)).toEqual([]);
  });
});
