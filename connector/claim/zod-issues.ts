import type { z } from 'zod';
import { formatPath } from '../config/problems';

/** `['invoices', 0, 'total']` → `invoices[0].total`. */
export const issuePath = formatPath;

/** One line per problem, `path: message`, in the order zod found them, without duplicates. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.map((issue) => {
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message;
    return `${issuePath(issue.path)}: ${message}`;
  });
  return [...new Set(lines)];
}
