/** Barrier reports from the accessibility statement (issue 28): their own deviation category, the page, a contact. */
import { Migration } from '@mikro-orm/migrations';

const BEFORE = `'missing-documentation', 'late-answer', 'no-show', 'identity-failure', 'video-failure',
  'late-cancellation', 'not-in-journal', 'other'`;
const AFTER = `'missing-documentation', 'late-answer', 'no-show', 'identity-failure', 'video-failure',
  'late-cancellation', 'not-in-journal', 'accessibility-barrier', 'other'`;

export class MigrationAccessibility extends Migration {
  override async up(): Promise<void> {
    // A report belongs to the site, not to an encounter or a thread: encounter_id and thread_id stay null
    // (both already nullable), so only the organisation-wide quality lead sees it (db/deviations.ts UNIT).
    this.addSql(`alter table deviation drop constraint deviation_category_check,
      add constraint deviation_category_check check (category in (${AFTER}));`);
    this.addSql('alter table deviation add column page text null, add column reporter_contact text null;');
  }

  override async down(): Promise<void> {
    // Refused while a barrier report exists: its rows are not silently dropped or recategorised.
    this.addSql('alter table deviation drop column reporter_contact, drop column page;');
    this.addSql(`alter table deviation drop constraint deviation_category_check,
      add constraint deviation_category_check check (category in (${BEFORE}));`);
  }
}
