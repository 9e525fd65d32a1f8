/** Idempotency keys of POST /api/encounters: one request per caller and key, whatever the retries. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationIdempotency extends Migration {
  override async up(): Promise<void> {
    // The encounter id is derived from caller and key, so concurrent retries start one workflow; this row
    // remembers which request the key was first used for (a different request with it is refused).
    this.addSql(`create table idempotency_key (
      caller text not null,
      key text not null,
      request_hash text not null,
      encounter_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (caller, key)
    );`);
  }
}
