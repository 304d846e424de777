import { AdapterError } from '../../connector/ports/adapter-error';
import type { WriteBackRequest, WriteBackResult } from '../../connector/ports/erp';
import type { Logger } from '../../connector/log/logger';
import type { Clock } from '../../connector/time/clock';
import type { SageActiveMappingContext } from '../../mappings/sage-active/to-canonical';
import type { SageActiveClient } from './client';
import type { SageActiveConnection } from './config.schema';

/**
 * Writing the recovery status into Sage Active (sage.md §2.5). The adapter (index.ts) calls
 * `writeBack` with these dependencies; the write itself comes with the write-back work.
 */

export interface SageWriterDeps {
  client: SageActiveClient;
  config: SageActiveConnection;
  context: SageActiveMappingContext;
  /** Business time: the dates written into the ledger. */
  clock: Clock;
  logger: Logger;
}

export function writeBack(deps: SageWriterDeps, request: WriteBackRequest): Promise<WriteBackResult> {
  return Promise.reject(
    new AdapterError({
      code: 'SAGE_WRITE_UNSUPPORTED',
      kind: 'config',
      userMessage: `connection ${deps.config.id}: writing "${request.kind}" into Sage Active is not available in this version`,
    }),
  );
}
