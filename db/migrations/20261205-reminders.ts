/** Reminders (issue 27): the patient's choice of channel, the unit's reminder policy and SMS number, the clinician's phone. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationReminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table patient add column reminder_channels text not null default 'both'
      check (reminder_channels in ('both', 'sms', 'mail', 'none'));`);
    this.addSql(`alter table care_unit add column reminder_policy jsonb null, add column phone text null;`);
    this.addSql(`alter table clinician add column phone text null;`);
  }
}
