/** The patient's language (issue 28): Mina sidor, the meeting's pages, mails and invoices in Swedish or English. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationPatientLanguage extends Migration {
  override async up(): Promise<void> {
    // Null until the patient chooses: pages follow the browser, mails and invoices go out in Swedish.
    this.addSql(`alter table patient add column language text null check (language in ('sv', 'en'));`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table patient drop column language;');
  }
}
