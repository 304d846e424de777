import cron from 'node-cron';

/** Whether `expression` is a cron expression node-cron accepts (5 fields, or 6 with seconds first). */
export function validCron(expression: string): boolean {
  return cron.validate(expression);
}
