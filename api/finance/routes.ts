/**
 * Ekonomi, for finance staff: a month's totals per unit with a chart, invoices (filters, one invoice
 * with its document and payments, waiving a charge), unmatched payments and the manual match, BgMax
 * imports with their summaries, and free cards. Also the API import for a bank-file integration.
 */
import type { AppDeps } from '../deps';
import { roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import type { PdfRenderer } from '../../documents/pdf';
import { bgmaxBody, bgmaxUpload, FINANCE, financePages, WAIVERS } from './pages';

export function financeRoutes(deps: AppDeps, pdf: PdfRenderer): RouteDef[] {
  const f = financePages(deps, pdf);
  return [
    get('/admin/ekonomi', roles(...FINANCE), f.overview),
    get('/admin/ekonomi/fakturor', roles(...FINANCE), f.invoices),
    get('/admin/ekonomi/fakturor/:id', roles(...WAIVERS), (req, res) => f.showInvoice(req, res)),
    // The document as sent: self-contained HTML with its own print CSS (no script may run in it).
    get('/admin/ekonomi/fakturor/:id/dokument', roles(...WAIVERS), f.invoiceDocument),
    get('/admin/ekonomi/fakturor/:id/pdf', roles(...WAIVERS), f.invoicePdf),
    post('/admin/ekonomi/fakturor/:id/avskriv', roles(...WAIVERS), f.waive),
    get('/admin/ekonomi/betalningar', roles(...FINANCE), (req, res) => f.renderPayments(req, res)),
    post('/admin/ekonomi/betalningar/:id/matcha', roles(...FINANCE), f.match),
    get('/admin/ekonomi/inlasningar', roles(...FINANCE), f.imports),
    // The file is read only after the role (and the CSRF token, sent in the form's address) admitted the caller.
    post('/admin/ekonomi/inlasningar', roles(...FINANCE), f.upload, { body: bgmaxUpload }),
    get('/admin/ekonomi/inlasningar/:id', roles(...FINANCE), f.importPage),
    get('/admin/ekonomi/frikort', roles(...FINANCE), f.freeCards),
    // A bank-file integration posts the file as it came (Latin-1 bytes); the answer is the summary.
    post('/api/finance/bgmax', roles('finance', 'scope:finance:import'), f.apiImport, { body: bgmaxBody }),
  ];
}
