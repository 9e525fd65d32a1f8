/** Rate-limit counters shared by every web replica (api/http/limits.ts): one row per caller and route class. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationRateLimits extends Migration {
  override async up(): Promise<void> {
    // `key` is a keyed hash of scope, class and caller, never the personnummer or address itself.
    this.addSql(`create table rate_limit_counter (
      key text primary key,
      hits integer not null,
      reset_at timestamptz not null
    );`);
    // The sweep of ended windows reads this index, not the whole table.
    this.addSql('create index rate_limit_counter_reset_at_idx on rate_limit_counter (reset_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table rate_limit_counter;');
  }
}
