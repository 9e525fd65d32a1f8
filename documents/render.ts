/** The invoice document (faktura, kreditfaktura, påminnelse) in Swedish: Handlebars to self-contained HTML with print CSS. */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatKronor } from '../domain/format';

const hbs = Handlebars.create();
hbs.registerHelper('kronor', formatKronor);
let template: Handlebars.TemplateDelegate | undefined;

export interface InvoiceDocument {
  title: 'Faktura' | 'Kreditfaktura' | 'Betalningspåminnelse';
  number: string;
  payee: string;
  unitName: string;
  issueDate: string;
  dueDate: string | null;
  credits: string | null;
  payerName: string;
  payerIsGuardian: boolean;
  patientName: string;
  /** The birth date with the last four digits hidden, e.g. 19800101-****. */
  patientBirth: string;
  lines: Array<{ visitDate: string; description: string; amountOre: number }>;
  totalOre: number;
  creditNote: boolean;
  reason: string | null;
  reminder: boolean;
  reminderDueDate: string | null;
  ocr: string | null;
  bankgiro: string;
  highCost: {
    startDate: string;
    endDate: string;
    paidOre: number;
    ceilingOre: number;
    remainingOre: number;
    freeCardUntil: string | null;
  } | null;
}

/** Every value is escaped: names and reasons are typed by people. */
export function renderInvoiceDocument(doc: InvoiceDocument): string {
  template ??= hbs.compile(fs.readFileSync(path.join(__dirname, 'invoice.hbs'), 'utf8'), { strict: false });
  return template(doc);
}
