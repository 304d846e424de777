import { adapterRegistry } from '../../../adapters/registry';
import { quickBooksReconnectCommand } from '../../../adapters/quickbooks/config.schema';

/** The command a person is told to run to connect a QuickBooks company again: it must run as printed. */
describe('the QuickBooks reconnect command', () => {
  it('names the connection, and the configuration when it is known', () => {
    expect(quickBooksReconnectCommand({ id: 'qbo-fr' })).toBe('recouvra connect quickbooks --connection qbo-fr');
    expect(quickBooksReconnectCommand({ id: 'qbo-fr' }, '/etc/recouvra/recouvra.yaml')).toBe(
      'recouvra connect quickbooks --config /etc/recouvra/recouvra.yaml --connection qbo-fr',
    );
  });

  it('quotes a path a shell would split or expand', () => {
    expect(quickBooksReconnectCommand({ id: 'qbo-fr' }, "/srv/Mes fichiers/l'entreprise.yaml")).toBe(
      `recouvra connect quickbooks --config '/srv/Mes fichiers/l'\\''entreprise.yaml' --connection qbo-fr`,
    );
    expect(quickBooksReconnectCommand({ id: 'qbo-fr' }, '$HOME/r.yaml')).toContain("--config '$HOME/r.yaml'");
  });

  it('is what the registry gives for a quickbooks connection, and Odoo has none (its key is in the configuration)', () => {
    const connection = {
      id: 'qbo-fr',
      type: 'quickbooks',
      realmId: '9130350000000001',
      clientId: 'client',
      clientSecret: 'secret',
    };
    expect(adapterRegistry['quickbooks']!.authorization?.reconnectCommand(connection, 'r.yaml')).toBe(
      'recouvra connect quickbooks --config r.yaml --connection qbo-fr',
    );
    expect(adapterRegistry['odoo']!.authorization).toBeUndefined();
  });
});
