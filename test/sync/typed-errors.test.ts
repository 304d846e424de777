import { z } from 'zod';
import { registryEntry, type ErpAdapter, type StreamName } from '../../connector/ports/erp';
import { AdapterError } from '../../connector/ports/adapter-error';
import { adapterFailure } from '../helpers/failure';
import { memoryLogger } from '../helpers/logger';

/** Whatever an adapter lets out, the core receives an AdapterError. */

const refused = new AdapterError({ code: 'FAKE_REFUSED', kind: 'system', userMessage: 'no such invoice' });

function faulty(): ErpAdapter {
  return {
    writeBackKinds: ['note'],
    check: async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'uid')");
    },
    streams: (): StreamName[] => {
      throw new RangeError('no streams today');
    },
    read: async () => {
      throw refused;
    },
    listOpenReceivableIds: () => Promise.reject(new Error('socket hang up')),
    readByIds: async () => {
      throw new SyntaxError('Unexpected token < in JSON at position 0');
    },
    writeBack: async () => ({ items: [] }),
    close: async () => undefined,
  };
}

const definition = registryEntry({
  type: 'fake',
  displayName: 'Fake ERP',
  configSchema: z.strictObject({ id: z.string(), type: z.literal('fake') }),
  writeBackKinds: () => ['note'],
  create: () => faulty(),
});
const adapter = definition.create(
  { id: 'fake-1', type: 'fake' },
  { clock: { now: () => new Date('2026-11-23T06:00:00Z') }, logger: memoryLogger('error').logger },
);

describe('typed errors at the adapter boundary', () => {
  it('an error the adapter did not recognise becomes a permanent AdapterError naming the connection and the method', async () => {
    const e = await adapterFailure(adapter.check());
    expect(e).toMatchObject({ code: 'ADAPTER_UNEXPECTED_ERROR', kind: 'system', outcomeUnknown: false });
    expect(e.userMessage).toBe(
      "connection fake-1: check failed on an error the Fake ERP adapter does not recognise (Cannot read properties of undefined (reading 'uid')); report it with the log",
    );
    expect(e.cause).toBeInstanceOf(TypeError);
    expect(e.detail).toMatch(/TypeError/);
    expect((await adapterFailure(adapter.listOpenReceivableIds())).userMessage).toMatch(
      /^connection fake-1: listOpenReceivableIds failed .*\(socket hang up\)/,
    );
    expect((await adapterFailure(adapter.readByIds(['x']))).userMessage).toMatch(
      /\(Unexpected token < in JSON at position 0\)/,
    );
    expect(() => adapter.streams()).toThrow(AdapterError);
  });

  it('an AdapterError passes unchanged; what the adapter declares stays; an optional method stays absent', async () => {
    expect(await adapterFailure(adapter.read('receivables', { saved: undefined }))).toBe(refused);
    expect(adapter.writeBackKinds).toEqual(['note']);
    expect('estimate' in adapter).toBe(false);
    expect('invoicePdf' in adapter).toBe(false);
    expect(definition.writeBackKinds({ id: 'fake-1', type: 'fake' })).toEqual(['note']);
  });
});
