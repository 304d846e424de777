import { Component } from '@odoo/owl';
import type { DashboardEnv } from '../env';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, language, pick, t } from '../i18n';
import {
  bucketLabel,
  channelLabel,
  connectionStateLabel,
  courtLabel,
  funnelStepLabel,
  gateConditionLabel,
  journalTypeLabel,
  procedureLabel,
  procedureStateLabel,
  riskLabel,
  stageLabel,
} from '../labels';

/** A component of the dashboard, with the formatters its template calls (`money(x.open, x.currency)`). */
export class Screen<Props = Record<string, never>> extends Component<Props, DashboardEnv> {
  readonly t = t;
  readonly pick = pick;
  readonly lang = language();
  readonly money = formatMoney;
  readonly date = formatDate;
  readonly dateTime = formatDateTime;
  readonly num = formatNumber;
  readonly pct = formatPercent;
  readonly stageLabel = stageLabel;
  readonly bucketLabel = bucketLabel;
  readonly funnelStepLabel = funnelStepLabel;
  readonly channelLabel = channelLabel;
  readonly riskLabel = riskLabel;
  readonly journalTypeLabel = journalTypeLabel;
  readonly procedureStateLabel = procedureStateLabel;
  readonly procedureLabel = procedureLabel;
  readonly courtLabel = courtLabel;
  readonly connectionStateLabel = connectionStateLabel;
  readonly gateConditionLabel = gateConditionLabel;
}
