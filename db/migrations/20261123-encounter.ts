/** Encounter steps' records: eligibility, identity, journal notes, fees, outbox, video rooms. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationEncounter extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table eligibility_assessment (
      encounter_id uuid primary key references encounter(id),
      clinician_id text not null,
      answers jsonb not null,
      eligible boolean not null,
      reasons jsonb not null,
      assessed_at timestamptz not null default now()
    );`);
    this.addSql(`create table identity_check (
      encounter_id uuid primary key references encounter(id),
      verified_personnummer text not null,
      method text not null,
      loa text not null,
      allowed boolean not null,
      acting_as text,
      refusal text,
      checked_at timestamptz not null default now()
    );`);
    // One journal note per encounter: the unique key makes a retried write a no-op.
    this.addSql(`create table journal_note (
      id uuid primary key,
      encounter_id uuid not null unique references encounter(id),
      patient_id uuid not null references patient(id),
      author_id text not null,
      author_name text,
      visit_type text not null default 'Digitalt vårdmöte',
      contact_date date not null,
      text text not null check (length(text) > 0),
      signed_at timestamptz not null default now()
    );`);
    this.addSql(`create table high_cost_period (
      id uuid primary key,
      patient_id uuid not null references patient(id),
      start_date date not null,
      paid_ore integer not null check (paid_ore >= 0),
      free_card_until date,
      updated_at timestamptz not null default now(),
      unique (patient_id, start_date)
    );`);
    this.addSql(`create table charge (
      id uuid primary key,
      encounter_id uuid not null references encounter(id),
      patient_id uuid not null references patient(id),
      kind text not null check (kind in ('visit', 'no-show', 'late-cancel')),
      amount_ore integer not null check (amount_ore >= 0),
      list_fee_ore integer not null check (list_fee_ore >= 0),
      reason text not null,
      counts_to_ceiling boolean not null,
      free_card_issued boolean not null default false,
      visit_date date not null,
      created_at timestamptz not null default now(),
      unique (encounter_id, kind)
    );`);
    this.addSql(`create table outbox_message (
      id uuid primary key,
      idempotency_key text not null unique,
      encounter_id uuid references encounter(id),
      recipient text not null,
      subject text not null,
      html text not null,
      text text not null,
      status text not null check (status in ('pending', 'sent', 'stored', 'failed')),
      error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );`);
    this.addSql(`create table video_room (
      encounter_id uuid primary key references encounter(id),
      room_id text not null unique,
      pin text not null,
      secret text not null,
      created_at timestamptz not null default now(),
      destroyed_at timestamptz
    );`);
  }

  override async down(): Promise<void> {
    for (const t of [
      'video_room',
      'outbox_message',
      'charge',
      'high_cost_period',
      'journal_note',
      'identity_check',
      'eligibility_assessment',
    ]) {
      this.addSql(`drop table if exists ${t} cascade;`);
    }
  }
}
