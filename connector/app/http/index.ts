export { buildApi, startApi, type ApiDeps, type JobEnqueuer } from './api';
export {
  ApiConfigSchema,
  apiSettings,
  MIN_API_TOKEN_LENGTH,
  type ApiConfig,
  type ApiSettings,
} from './api-config.schema';
export { createMetrics, type ActionOutcome, type Metrics, type MetricsOptions } from './metrics';
export { DEFAULT_USER, USER_HEADER } from './request-validation';
