import { AdapterError } from '../../connector/ports/adapter-error';
import type { AdapterDefinition } from '../../connector/ports/erp';
import { SageActiveConnectionSchema, sageActiveWriteBack, type SageActiveConnection } from './config.schema';

/**
 * The Sage Active adapter (GraphQL, one organisation per connection: sage.md §2). Registered so
 * that a configuration naming it is read and checked; reading comes with the reader.
 */
export const sageActiveAdapter: AdapterDefinition<SageActiveConnection> = {
  type: 'sage-active',
  displayName: 'Sage Active',
  configSchema: SageActiveConnectionSchema,
  writeBackKinds: (config) => sageActiveWriteBack(config),
  create: (config) => {
    throw new AdapterError({
      code: 'SAGE_ADAPTER_UNAVAILABLE',
      kind: 'config',
      userMessage: `connection ${config.id}: reading Sage Active is not available in this version`,
    });
  },
};
