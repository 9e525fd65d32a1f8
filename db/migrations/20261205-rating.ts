/** The patient's rating of a closed encounter (issue 27): once per encounter, 1–5, with its unit and month for Uppföljning. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationRating extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table rating (
      id uuid primary key,
      encounter_id uuid not null references encounter(id),
      care_unit_id uuid not null references care_unit(id),
      month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      score integer not null check (score >= 1 and score <= 5),
      comment text null check (char_length(comment) <= 1000),
      rated_as text check (rated_as in ('patient', 'guardian')) not null,
      created_at timestamptz not null default now(),
      constraint rating_encounter_id_key unique (encounter_id)
    );`);
    // Uppföljning reads the ratings per unit and month.
    this.addSql('create index rating_unit_month_idx on rating (care_unit_id, month);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists rating;');
  }
}
