/** A chat day's summary to the journal too (issue 25): where it stands, the EHR's receipt, or its manual entry. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationSummaryJournal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table thread_summary add column journal_status text null,
      add column ehr_receipt jsonb null,
      add column manual_entry_by text null,
      add column manual_entry_at timestamptz null;`);
  }
}
