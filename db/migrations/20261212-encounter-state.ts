/** The encounter's whole projected state (issue 29): reads and the live page without a workflow query. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationEncounterState extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table encounter_state (
      encounter_id uuid primary key references encounter (id),
      state jsonb not null,
      version integer not null default 0,
      updated_at timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists encounter_state;');
  }
}
