/**
 * Ekonomi, for finance staff: a month's totals per unit with a chart, invoices (filters, one invoice
 * with its document and payments, waiving a charge), unmatched payments and the manual match, BgMax
 * imports with their summaries, and free cards. Also the API import for a bank-file integration.
 */
import type { AppDeps } from '../deps';
import type { StaffRoleName } from '../../db/entities';
import { roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import type { PdfRenderer } from '../../documents/pdf';
import { invoiceScoped } from './invoice-guard';
import { invoicePages } from './invoices';
import { bgmaxBody, bgmaxUpload, paymentPages } from './payments';

const FINANCE: StaffRoleName[] = ['finance'];
/** Care administrators forgive a no-show fee too (the clinic's decision), in their own units. */
const WAIVERS: StaffRoleName[] = ['finance', 'care_admin'];

export function financeRoutes(deps: AppDeps, pdf: PdfRenderer): RouteDef[] {
  const inv = invoicePages(deps, pdf);
  const pay = paymentPages(deps);
  const INVOICE = invoiceScoped(...WAIVERS);
  return [
    get('/admin/ekonomi', roles(...FINANCE), inv.overview),
    get('/admin/ekonomi/fakturor', roles(...FINANCE), inv.invoices),
    get('/admin/ekonomi/fakturor/:id', INVOICE, (req, res, scope) => inv.showInvoice(req, res, scope)),
    // The document as sent: self-contained HTML with its own print CSS (no script may run in it).
    get('/admin/ekonomi/fakturor/:id/dokument', INVOICE, inv.invoiceDocument),
    get('/admin/ekonomi/fakturor/:id/pdf', INVOICE, inv.invoicePdf),
    post('/admin/ekonomi/fakturor/:id/avskriv', INVOICE, inv.waive),
    get('/admin/ekonomi/betalningar', roles(...FINANCE), (req, res) => pay.renderPayments(req, res)),
    post('/admin/ekonomi/betalningar/:id/matcha', roles(...FINANCE), pay.match),
    get('/admin/ekonomi/inlasningar', roles(...FINANCE), pay.imports),
    // The file is read only after the role (and the CSRF token, sent in the form's address) admitted the caller.
    post('/admin/ekonomi/inlasningar', roles(...FINANCE), pay.upload, { body: bgmaxUpload }),
    get('/admin/ekonomi/inlasningar/:id', roles(...FINANCE), pay.importPage),
    get('/admin/ekonomi/frikort', roles(...FINANCE), pay.freeCards),
    // A bank-file integration posts the file as it came (Latin-1 bytes); the answer is the summary.
    post('/api/finance/bgmax', roles('finance', 'scope:finance:import'), pay.apiImport, { body: bgmaxBody }),
  ];
}
