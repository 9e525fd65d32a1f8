/** The back office: the access log becomes append-only in the database itself; deviations keep their history. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationBackoffice extends Migration {
  override async up(): Promise<void> {
    // Patientdatalagen: nobody edits or removes access-log rows, not even with SQL as the app's own role.
    this.addSql(`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only();`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();`);
    // Who moved a deviation from which status to which, when, and with what note or action.
    this.addSql(`create table deviation_event (
      id bigserial primary key,
      deviation_id uuid not null references deviation(id),
      at timestamptz not null default now(),
      actor text not null,
      actor_name text not null,
      from_status text,
      to_status text not null check (to_status in ('new', 'under_review', 'closed')),
      note text
    );`);
    this.addSql('create index deviation_event_deviation_idx on deviation_event (deviation_id, at);');
    // The encounter list pages by (meeting time, id) from the newest, with a cursor: each filter the
    // back office offers has an index in that order, so a page costs the same at row 50 or 100,000.
    for (const [name, lead] of [
      ['encounter_when_idx', ''],
      ['encounter_unit_when_idx', 'care_unit_id, '],
      ['encounter_status_when_idx', 'status, '],
    ])
      this.addSql(`create index ${name} on encounter (${lead}(coalesce(scheduled_start, created_at)) desc, id desc);`);
  }

  override async down(): Promise<void> {
    for (const name of ['encounter_when_idx', 'encounter_unit_when_idx', 'encounter_status_when_idx'])
      this.addSql(`drop index if exists ${name};`);
    this.addSql('drop table if exists deviation_event;');
    this.addSql('drop trigger if exists audit_log_no_truncate on audit_log;');
    this.addSql('drop trigger if exists audit_log_no_change on audit_log;');
    this.addSql('drop function if exists audit_log_append_only();');
  }
}
