export { createQboData, CURRENCIES, QboData, type ChangeEvent, type Company } from './data';
export {
  QuickBooksSimulator,
  QuickBooksSimulatorControls,
  REQUESTS_PER_MINUTE,
  MAX_IN_FLIGHT,
  CDC_MAX_OBJECTS,
  CDC_WINDOW_DAYS,
  type InjectedFault,
  type QuickBooksSimulatorOptions,
  type RealmCounters,
} from './server';
export { webhookSignature, type WebhookFormat } from './webhooks';
export { THROTTLE_XML } from './faults';
