/** Foundation schema: units, people, slots, bookings, the encounter projection, deviations, audit log. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationFoundation extends Migration {
  override async up(): Promise<void> {
    // btree_gist lets one exclusion constraint compare the clinician (=) and the time range (&&).
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`create table care_unit (
      id uuid primary key,
      name text not null,
      hsa_id text not null unique,
      region text not null check (region in ('stockholm', 'vgr')),
      free_below_age integer not null check (free_below_age >= 0),
      free_from_age integer not null check (free_from_age > 0),
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create table patient (
      id uuid primary key,
      personnummer text not null unique check (personnummer ~ '^[0-9]{8}-[0-9]{4}$'),
      given_name text not null,
      family_name text not null,
      protected_identity text not null default 'none'
        check (protected_identity in ('none', 'sekretessmarkering', 'skyddad_folkbokforing', 'fingerade')),
      email text,
      phone text,
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create table guardian_link (
      id uuid primary key,
      guardian_id uuid not null references patient(id),
      child_id uuid not null references patient(id),
      blocked boolean not null default false,
      blocked_reason text,
      created_at timestamptz not null default now(),
      unique (guardian_id, child_id),
      check (guardian_id <> child_id)
    );`);
    this.addSql(`create table clinician (
      id uuid primary key,
      hsa_id text not null unique,
      given_name text not null,
      family_name text not null,
      title text not null,
      profession text not null check (profession in ('doctor', 'nurse', 'psychologist', 'physiotherapist', 'other')),
      care_unit_id uuid not null references care_unit(id),
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create table slot (
      id uuid primary key,
      clinician_id uuid not null references clinician(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      constraint slot_no_overlap exclude using gist (clinician_id with =, tstzrange(starts_at, ends_at) with &&)
    );`);
    this.addSql(`create table encounter (
      id uuid primary key,
      workflow_id text not null unique,
      patient_id uuid not null references patient(id),
      care_unit_id uuid not null references care_unit(id),
      clinician_id uuid references clinician(id),
      slot_id uuid references slot(id),
      status text not null,
      step text not null,
      waiting_for text,
      outcome text,
      scheduled_start timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      version integer not null default 0
    );`);
    this.addSql(`create index encounter_list_idx on encounter (status, care_unit_id, scheduled_start);`);
    this.addSql(`create index encounter_clinician_idx on encounter (clinician_id, scheduled_start);`);
    this.addSql(`create table booking (
      id uuid primary key,
      slot_id uuid not null references slot(id),
      encounter_id uuid not null references encounter(id),
      created_at timestamptz not null default now(),
      released_at timestamptz
    );`);
    // A slot has at most one live booking and an encounter holds at most one slot: no double booking.
    this.addSql(`create unique index booking_one_live_per_slot on booking (slot_id) where released_at is null;`);
    this.addSql(
      `create unique index booking_one_live_per_encounter on booking (encounter_id) where released_at is null;`,
    );
    this.addSql(`create table deviation (
      id uuid primary key,
      encounter_id uuid references encounter(id),
      category text not null check (category in ('missing-documentation', 'late-answer', 'no-show', 'identity-failure', 'video-failure', 'late-cancellation', 'other')),
      severity text not null check (severity in ('low', 'medium', 'high')),
      description text not null,
      status text not null default 'new' check (status in ('new', 'under_review', 'closed')),
      action text,
      dedupe_key text unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      check (status <> 'closed' or action is not null)
    );`);
    this.addSql(`create index deviation_status_idx on deviation (status, created_at);`);
    this.addSql(`create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor text not null,
      role text not null,
      patient_id uuid references patient(id),
      action text not null,
      target text not null,
      detail jsonb
    );`);
    this.addSql(`create index audit_log_patient_idx on audit_log (patient_id, at);`);
  }

  override async down(): Promise<void> {
    for (const t of [
      'audit_log',
      'deviation',
      'booking',
      'encounter',
      'slot',
      'clinician',
      'guardian_link',
      'patient',
      'care_unit',
    ]) {
      this.addSql(`drop table if exists ${t} cascade;`);
    }
  }
}
