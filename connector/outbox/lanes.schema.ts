/**
 * The destinations the outbox runs one lane each for (lanes.ts), as the configuration names them
 * (`daemon.lanes`): data the configuration schema needs without loading the outbox.
 */

export type LaneName = 'erp' | 'email' | 'sms' | 'postal' | 'lawfirm';

export const LANE_NAMES: readonly LaneName[] = ['erp', 'email', 'sms', 'postal', 'lawfirm'];

/** The most workers one lane may have (`daemon.lanes.*.concurrency`). */
export const MAX_LANE_CONCURRENCY = 16;
