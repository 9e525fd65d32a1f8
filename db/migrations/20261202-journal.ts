/** The journal export (issue 25): what the EHR answered for each note, or who entered it by hand. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationJournal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table journal_note add column ehr_receipt jsonb null,
      add column journal_delivered_at timestamptz null,
      add column manual_entry_by text null,
      add column manual_entry_by_name text null,
      add column manual_entry_at timestamptz null;`);
    this.addSql(`alter table deviation drop constraint deviation_category_check,
      add constraint deviation_category_check check (category in ('missing-documentation', 'late-answer', 'no-show',
        'identity-failure', 'video-failure', 'late-cancellation', 'not-in-journal', 'other'));`);
  }
}
