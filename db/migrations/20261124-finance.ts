/** Finance: invoices and credit notes with gap-free numbers, their lines, BgMax imports and payments. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationFinance extends Migration {
  override async up(): Promise<void> {
    // RULES.md §2: VGR sends one invoice a month for the month before; Stockholm may invoice each visit;
    // 'external': the region bills from its own patient-administration system, we only record the charge.
    this.addSql(`alter table care_unit add column invoicing text not null default 'per-encounter'
      check (invoicing in ('per-encounter', 'monthly', 'external'));`);
    this.addSql(`update care_unit set invoicing = 'monthly' where region = 'vgr';`);
    // Gap-free numbers: the next number of a series is taken under this row's lock, in the same
    // transaction that writes the invoice, so a rolled-back invoice gives its number back.
    this.addSql(`create table invoice_series (
      series text primary key,
      next_number bigint not null default 1 check (next_number > 0)
    );`);
    this.addSql(`insert into invoice_series (series) values ('F'), ('K');`);
    this.addSql(`create table invoice (
      id uuid primary key,
      series text not null references invoice_series(series),
      number bigint not null,
      kind text not null check (kind in ('invoice', 'credit-note')),
      credits_invoice_id uuid references invoice(id),
      billing_key text not null unique,
      patient_id uuid not null references patient(id),
      payer_id uuid not null references patient(id),
      care_unit_id uuid not null references care_unit(id),
      issue_date date not null,
      due_date date,
      ocr text unique,
      amount_ore integer not null,
      paid_ore integer not null default 0,
      credited_ore integer not null default 0 check (credited_ore >= 0),
      status text not null check (status in ('open', 'partly-paid', 'paid', 'overpaid', 'reminded', 'overdue', 'credited', 'credit-note')),
      reminded_at timestamptz,
      overdue_at timestamptz,
      closed_at timestamptz,
      document_html text not null,
      created_at timestamptz not null default now(),
      constraint invoice_series_number_key unique (series, number),
      constraint invoice_amount_check check ((kind = 'invoice' and amount_ore >= 0) or (kind = 'credit-note' and amount_ore < 0))
    );`);
    this.addSql('create index invoice_status_idx on invoice (status, issue_date desc);');
    this.addSql('create index invoice_unit_idx on invoice (care_unit_id, issue_date desc);');
    this.addSql('create index invoice_patient_idx on invoice (patient_id, issue_date desc);');
    // Each charge is billed on exactly one invoice and credited at most once.
    this.addSql(`create table invoice_line (
      id bigserial primary key,
      invoice_id uuid not null references invoice(id),
      charge_id uuid not null references charge(id),
      credit boolean not null default false,
      amount_ore integer not null,
      description text not null,
      visit_date date not null,
      constraint invoice_line_charge_id_credit_key unique (charge_id, credit)
    );`);
    this.addSql('create index invoice_line_invoice_idx on invoice_line (invoice_id);');
    // A file is imported once (by its SHA-256); its summary is kept as counted at import.
    this.addSql(`create table bgmax_import (
      id uuid primary key,
      file_sha256 text not null unique,
      file_name text not null,
      file_created_at text not null,
      test boolean not null,
      imported_by text not null,
      imported_by_name text not null,
      imported_at timestamptz not null default now(),
      payment_count integer not null,
      file_ore bigint not null,
      matched_count integer not null,
      matched_ore bigint not null,
      unmatched_count integer not null,
      unmatched_ore bigint not null,
      duplicate_count integer not null,
      duplicate_ore bigint not null
    );`);
    // A payment is known once by its identity across files (bankgiro, day, Bankgirot's serial).
    this.addSql(`create table payment (
      id uuid primary key,
      payment_key text not null unique,
      import_id uuid not null references bgmax_import(id),
      kind text not null check (kind in ('payment', 'deduction')),
      receiver_bankgiro text not null,
      sender_bankgiro text not null,
      payment_date date not null,
      reference text not null,
      reference_code integer not null,
      amount_ore integer not null,
      payer_name text,
      invoice_id uuid references invoice(id),
      matched text check (matched in ('auto', 'manual')),
      matched_by text,
      matched_by_name text,
      match_reason text,
      matched_at timestamptz,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index payment_invoice_idx on payment (invoice_id);');
    this.addSql('create index payment_unmatched_idx on payment (payment_date) where invoice_id is null;');
  }

  override async down(): Promise<void> {
    for (const t of ['payment', 'bgmax_import', 'invoice_line', 'invoice', 'invoice_series'])
      this.addSql(`drop table if exists ${t};`);
    this.addSql('alter table care_unit drop column if exists invoicing;');
  }
}
