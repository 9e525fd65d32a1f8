/** Messages: threads between a patient and a care unit, their messages, the dated journal summaries. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationMessages extends Migration {
  override async up(): Promise<void> {
    // The thread's workflow is the only writer of its state columns (the queue reads them).
    this.addSql(`create table message_thread (
      id uuid primary key,
      workflow_id text not null unique,
      patient_id uuid not null references patient(id),
      care_unit_id uuid not null references care_unit(id),
      subject text not null,
      started_by text not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      due_date date,
      deadline_at timestamptz,
      overdue boolean not null default false,
      undocumented_days integer not null default 0,
      last_activity_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      closed_at timestamptz
    );`);
    this.addSql('create index message_thread_queue_idx on message_thread (care_unit_id, status, deadline_at);');
    this.addSql('create index message_thread_patient_idx on message_thread (patient_id, last_activity_at desc);');
    this.addSql(`create table message (
      id uuid primary key,
      thread_id uuid not null references message_thread(id),
      author_kind text not null check (author_kind in ('patient', 'staff')),
      author_id text not null,
      author_name text not null,
      signature text,
      body text not null check (char_length(body) <= 4000),
      created_at timestamptz not null default now(),
      due_date date,
      answered_at timestamptz
    );`);
    this.addSql('create index message_thread_at_idx on message (thread_id, created_at);');
    // RULES.md §9 / SÄS: the care given in a thread is summarised in the journal, dated to the contact day.
    this.addSql(`create table thread_summary (
      id uuid primary key,
      thread_id uuid not null references message_thread(id),
      contact_date date not null,
      visit_type text not null,
      text text not null,
      signed_by text not null,
      signed_by_name text not null,
      signed_at timestamptz not null default now(),
      constraint thread_summary_thread_id_contact_date_key unique (thread_id, contact_date)
    );`);
    this.addSql('alter table deviation add column thread_id uuid references message_thread(id);');
  }

  override async down(): Promise<void> {
    this.addSql('alter table deviation drop column if exists thread_id;');
    for (const t of ['thread_summary', 'message', 'message_thread']) this.addSql(`drop table if exists ${t};`);
  }
}
