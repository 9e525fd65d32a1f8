/** Visit registration (issue 25, RULES.md §10): each unit's codes, and one row per registered contact. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationRegistration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table visit_code (
      care_unit_id uuid not null references care_unit(id),
      kind text check (kind in ('video', 'phone', 'chat', 'digifysisk')) not null,
      contact_type text not null,
      contact_type_name text not null,
      kva_codes jsonb not null,
      patient_fee boolean not null,
      updated_by text not null,
      updated_at timestamptz not null default now(),
      constraint visit_code_pkey primary key (care_unit_id, kind)
    );`);
    this.addSql(`create table visit_registration (
      id uuid primary key,
      source text check (source in ('encounter', 'thread')) not null,
      source_id text not null,
      care_unit_id uuid not null references care_unit(id),
      patient_id uuid not null references patient(id),
      clinician_id uuid null,
      contact_date date not null,
      kind text check (kind in ('video', 'phone', 'chat', 'digifysisk')) not null,
      outcome text check (outcome in ('attended', 'no-show')) not null,
      contact_type text null,
      contact_type_name text null,
      kva_codes jsonb not null,
      patient_fee boolean not null,
      missing_code boolean not null,
      created_at timestamptz not null default now(),
      constraint visit_registration_source_source_id_key unique (source, source_id)
    );`);
    this.addSql('create index visit_registration_unit_date_idx on visit_registration (care_unit_id, contact_date);');
  }
}
