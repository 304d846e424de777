export { SageActiveData, frenchVatNumber, type Organization } from './data';
export {
  SageActiveSimulator,
  SageActiveSimulatorControls,
  REQUESTS_PER_MINUTE,
  MAX_CONCURRENT_MUTATIONS,
  type SageActiveSimulatorOptions,
} from './server';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, encodeCursor } from './relay';
export { ACCESS_TOKEN_SECONDS, type TokenResponse } from './oauth';
export type { InjectedFault } from './faults';
