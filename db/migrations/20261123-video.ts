/** Video meetings: one-time join links, and where each participant is according to Janus. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationVideo extends Migration {
  override async up(): Promise<void> {
    // Only the SHA-256 of a token is stored; the link itself is shown once.
    this.addSql(`create table join_token (
      token_hash text primary key,
      encounter_id uuid not null references encounter(id),
      role text not null check (role in ('patient', 'clinician')),
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      -- Set when the link is opened: the page's own key for its actions, and its Janus publisher id.
      session_key_hash text unique,
      publisher_id text unique
    );`);
    this.addSql('create index join_token_encounter on join_token (encounter_id);');
    // Janus events may repeat or arrive out of order: the newest event time per participant wins.
    this.addSql(`create table meeting_presence (
      encounter_id uuid not null references encounter(id),
      role text not null,
      present boolean not null,
      last_event_us bigint not null,
      primary key (encounter_id, role)
    );`);
    this.addSql(`create table janus_handle (
      handle_id bigint primary key,
      encounter_id uuid not null references encounter(id),
      role text not null,
      created_at timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    for (const t of ['janus_handle', 'meeting_presence', 'join_token'])
      this.addSql(`drop table if exists ${t} cascade;`);
  }
}
