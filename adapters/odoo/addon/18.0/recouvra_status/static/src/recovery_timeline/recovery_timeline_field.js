/** @odoo-module **/
// Odoo 18.0: the header above is optional in static/src since odoo/odoo PR #142858, and harmless.
// From 17.0 a field widget is registered as a descriptor object, and its component reads its
// value from the record, `props.record.data[props.name]` (odoo/odoo PRs #112498 and #113495).
// formatDate and formatDateTime: @web/core/l10n/dates, as Odoo's own date fields use them
// [UNVERIFIED on 19.0].

import { Component } from '@odoo/owl';
import { formatDate, formatDateTime } from '@web/core/l10n/dates';
import { _t } from '@web/core/l10n/translation';
import { registry } from '@web/core/registry';
import { standardFieldProps } from '@web/views/fields/standard_field_props';

/**
 * The stages a case moves through before it ends, in the connector's order
 * (connector/model/case.schema.ts); `open` comes before them and `closed` after.
 */
const LADDER = ['reminding', 'formal_notice', 'awaiting_approval', 'escalated', 'in_procedure'];

/** Milliseconds at the start of today, local time: a deadline before it has passed. */
function startOfToday() {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return today.getTime();
}

export class RecoveryTimelineField extends Component {
  static template = 'recouvra_status.RecoveryTimelineField';
  static props = { ...standardFieldProps };

  get stage() {
    return this.data[this.props.name];
  }

  get data() {
    return this.props.record.data;
  }

  /** The label of a selection value, as the server sent it (translated). */
  label(fieldName, value) {
    const field = this.props.record.fields[fieldName];
    const entry = ((field && field.selection) || []).find(([key]) => key === value);
    return entry ? entry[1] : value;
  }

  get steps() {
    const current = LADDER.indexOf(this.stage);
    return LADDER.map((key, index) => {
      const done = this.stage === 'closed' || index < current;
      return {
        key,
        label: this.label(this.props.name, key),
        current: index === current,
        className: done ? 'bg-success' : index === current ? 'bg-primary' : 'bg-light text-dark',
      };
    });
  }

  get dossierRef() {
    return this.data.recouvra_dossier_ref || '';
  }

  get procedureState() {
    const value = this.data.recouvra_procedure_state;
    return value ? this.label('recouvra_procedure_state', value) : '';
  }

  get lastEvent() {
    return this.data.recouvra_last_event || '';
  }

  /** Date and datetime values are luxon DateTimes in the web client (16.0 and later). */
  get lastEventDate() {
    const value = this.data.recouvra_last_event_date;
    return value ? formatDateTime(value) : '';
  }

  get nextDeadline() {
    const value = this.data.recouvra_next_deadline;
    return value ? formatDate(value) : '';
  }

  get deadlinePassed() {
    const value = this.data.recouvra_next_deadline;
    return Boolean(value) && value.valueOf() < startOfToday();
  }
}

export const recoveryTimelineField = {
  component: RecoveryTimelineField,
  displayName: _t('Recovery Timeline'),
  supportedTypes: ['selection'],
  // Loaded with the record even where the view does not show them.
  fieldDependencies: [
    { name: 'recouvra_procedure_state', type: 'selection' },
    { name: 'recouvra_dossier_ref', type: 'char' },
    { name: 'recouvra_last_event', type: 'char' },
    { name: 'recouvra_last_event_date', type: 'datetime' },
    { name: 'recouvra_next_deadline', type: 'date' },
  ],
};

registry.category('fields').add('recouvra_timeline', recoveryTimelineField);
