/** Unit scoping: each outbox message and access-log row knows its care unit (and the mail its patient). */
import { Migration } from '@mikro-orm/migrations';

export class MigrationScoping extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox_message add column care_unit_id uuid null references care_unit(id),
      add column patient_id uuid null references patient(id);`);
    this.addSql(`update outbox_message o set care_unit_id = e.care_unit_id, patient_id = e.patient_id
      from encounter e where e.id = o.encounter_id;`);
    // Thread and invoice mails are keyed 'thread:<id>:…' and 'invoice:<id>:…'.
    this.addSql(`update outbox_message o set care_unit_id = t.care_unit_id, patient_id = t.patient_id
      from message_thread t where o.care_unit_id is null and o.idempotency_key like 'thread:' || t.id::text || ':%';`);
    this.addSql(`update outbox_message o set care_unit_id = i.care_unit_id, patient_id = i.patient_id
      from invoice i where o.care_unit_id is null and o.idempotency_key like 'invoice:' || i.id::text || ':%';`);
    this.addSql('create index outbox_message_unit_idx on outbox_message (care_unit_id, created_at);');

    // No foreign key: the log outlives any unit, and a key check on the one hot unit row per insert
    // (a shared row lock, multixacts under concurrency) cost a fifth of the list's throughput (bench:api).
    this.addSql('alter table audit_log add column care_unit_id uuid null;');
    // The log is append-only; filling the new column for old rows is the one change it allows, here only.
    this.addSql('alter table audit_log disable trigger audit_log_no_change;');
    for (const [prefix, table] of [
      ['encounter', 'encounter'],
      ['thread', 'message_thread'],
      ['invoice', 'invoice'],
    ])
      this.addSql(`update audit_log a set care_unit_id = x.care_unit_id from ${table} x
        where a.target like '${prefix}:%' and x.id::text = split_part(a.target, ':', 2);`);
    this.addSql('alter table audit_log enable trigger audit_log_no_change;');
    this.addSql('create index audit_log_unit_idx on audit_log (care_unit_id, at);');
  }
}
