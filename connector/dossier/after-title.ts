import { addMonths, addYears, type IsoDate } from '../time/calendar-date';
import { FR } from './fr.wording';
import type { ProcedureData } from './procedure-data';
import type { ProcedureDeadline } from './recommend-procedure';

/**
 * The deadlines that follow an enforceable title, once the firm reports one: the legal rate's
 * increase (CMF L313-3) and the end of the time to enforce it (CPCE L111-4). They count from the
 * day the firm says the title became enforceable — [M] for a judgment that is the day it can be
 * executed (after service), which the firm's event date stands for.
 */
export function afterTitleDeadlines(enforceableOn: IsoDate, data: ProcedureData): ProcedureDeadline[] {
  const t = data.afterTitle;
  return [
    {
      what: FR.afterTitle.rateWhat(t.rateIncreasePoints),
      rule: FR.afterTitle.rateRule({ months: t.rateIncreaseAfterMonths, enforceableOn }),
      article: t.rateIncreaseArticle,
      dueOn: addMonths(enforceableOn, t.rateIncreaseAfterMonths),
    },
    {
      what: FR.afterTitle.titleWhat,
      rule: FR.afterTitle.titleRule({ years: t.titlePrescriptionYears, enforceableOn }),
      article: t.titlePrescriptionArticle,
      dueOn: addYears(enforceableOn, t.titlePrescriptionYears),
    },
  ];
}
