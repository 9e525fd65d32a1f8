/** Identity and access: staff and their roles (keyed on HSA-id), server-side sessions, a fuller access log. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationIdentity extends Migration {
  override async up(): Promise<void> {
    // Roles live here, never in a token: the IdP says who someone is, we say what they may do.
    this.addSql(`create table staff (
      id uuid primary key,
      hsa_id text not null unique,
      given_name text not null,
      family_name text not null,
      title text not null,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );`);
    // A role without a care unit applies to every unit (e.g. a region-wide quality lead).
    this.addSql(`create table staff_role (
      id bigserial primary key,
      staff_id uuid not null references staff(id),
      role text not null check (role in ('care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin')),
      care_unit_id uuid references care_unit(id)
    );`);
    this.addSql('create index staff_role_staff_idx on staff_role (staff_id);');
    this.addSql(
      `create unique index staff_role_once on staff_role (staff_id, role, coalesce(care_unit_id, '00000000-0000-0000-0000-000000000000'::uuid));`,
    );
    // connect-pg-simple's table (sid, sess, expire) under our name.
    this.addSql(`create table http_session (
      sid text primary key,
      sess jsonb not null,
      expire timestamptz not null
    );`);
    this.addSql('create index http_session_expire_idx on http_session (expire);');

    this.addSql(`alter table audit_log
      add column outcome text not null default 'ok' check (outcome in ('ok', 'refused', 'error')),
      add column request_id text,
      add column client_address text;`);
    // Links can be revoked (and are, when new ones are issued); who opened one is kept.
    this.addSql(`alter table join_token add column revoked_at timestamptz, add column opened_by text;`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table join_token drop column revoked_at, drop column opened_by;');
    this.addSql('alter table audit_log drop column outcome, drop column request_id, drop column client_address;');
    for (const t of ['http_session', 'staff_role', 'staff']) this.addSql(`drop table if exists ${t} cascade;`);
  }
}
