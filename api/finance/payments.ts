/** Ekonomi's payments: unmatched payments and the manual match, BgMax imports (form and API) with their summaries, free cards. */
import express, { Request, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess } from '../http/audit';
import { HttpError, notFound, toHttp } from '../http/errors';
import type { Caller } from '../http/guards';
import { IdParam } from '../encounters/schemas';
import { activeFreeCards } from '../../db/finance';
import { findImport, listImports, paymentsOfImport, unmatchedPayments } from '../../db/payments';
import { MATCH_LABELS, sv } from '../../domain/labels';
import { stockholmDateOf } from '../../domain/dates';
import { DEMO_BGMAX_SAMPLE } from '../../db/seed';
import { importBgMax } from './bgmax-import';
import { matchPayment } from './service';

const MAX_FILE = 50 * 1024 * 1024;
const Match = z.object({
  invoice: z.string().trim().min(1, 'ange fakturanummer eller OCR-nummer').max(40),
  reason: z.string().trim().min(3, 'skriv varför betalningen hör till fakturan').max(500),
});

/**
 * The import form's one file, parsed only for a caller the route admitted, in memory, bounded in
 * every way multipart can grow (the file, other fields, parts, a field's size, headers).
 */
const oneFile = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE, files: 1, fields: 2, parts: 3, fieldSize: 1024, headerPairs: 20 },
}).single('file');
export const bgmaxUpload: RequestHandler = (req, res, next) =>
  oneFile(req, res, (err) =>
    next(err ? new HttpError(400, `file: ${(err as Error).message}`, 'file', 'validation') : undefined),
  );
/** The API's body: the file as it came. */
export const bgmaxBody = express.raw({ type: () => true, limit: MAX_FILE });

export function paymentPages({ temporal, config }: Pick<AppDeps, 'temporal' | 'config'>) {
  // Outside production the page says where `npm start` put a file paying the demo's open invoices.
  const demoSample = config.production ? null : `.data/${DEMO_BGMAX_SAMPLE}`;
  const renderPayments = async (
    req: Request,
    res: express.Response,
    extra: { error?: string; notice?: string } = {},
  ) => {
    const rows = await unmatchedPayments(req.em);
    await logAccess(req, { action: 'list', target: 'admin:unmatched-payments' });
    res.render('finance/payments', { title: 'Omatchade betalningar', items: rows, ...extra });
  };

  // A bank-file integration posts the file as it came (Latin-1 bytes); the answer is the summary.

  const match = async (req: Request, res: express.Response, { units }: Caller) => {
    const { id } = IdParam.parse(req.params);
    const form = Match.safeParse(req.body);
    if (!form.success) return renderPayments(req, res.status(400), { error: form.error.issues[0].message });
    try {
      const { invoiceId } = await matchPayment(req, temporal, { paymentId: id, ...form.data }, units);
      res.redirect(303, `/admin/ekonomi/fakturor/${invoiceId}?matchad`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      // The change rolled back with its log row: the refusal is logged on its own.
      await logAccess(req, {
        action: 'match:payment',
        target: `payment:${id}`,
        outcome: 'refused',
        detail: { error: body.error, field: body.field },
      });
      const msg =
        body.field === 'invoice'
          ? 'Ingen faktura med det numret eller OCR-numret i dina enheter.'
          : status === 409
            ? 'Betalningen är redan matchad eller är ett avdrag.'
            : 'Betalningen finns inte.';
      return renderPayments(req, res.status(status), { error: msg });
    }
  };
  const imports = async (req: Request, res: express.Response) => {
    res.render('finance/imports', { title: 'Inläsning av BgMax-filer', items: await listImports(req.em), demoSample });
  };
  const upload = async (req: Request, res: express.Response) => {
    const file = req.file;
    if (!file?.buffer?.length) {
      res.status(400);
      return res.render('finance/imports', {
        title: 'Inläsning av BgMax-filer',
        items: await listImports(req.em),
        demoSample,
        error: 'Välj en BgMax-fil att läsa in.',
      });
    }
    try {
      const r = await importBgMax(req, temporal, { name: file.originalname, bytes: file.buffer });
      res.redirect(303, `/admin/ekonomi/inlasningar/${r.importId}${r.alreadyImported ? '?redan' : ''}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      res.status(status).render('finance/imports', {
        title: 'Inläsning av BgMax-filer',
        items: await listImports(req.em),
        demoSample,
        error: `Filen kunde inte läsas in: ${body.message}`,
      });
    }
  };
  const importPage = async (req: Request, res: express.Response, { units }: Caller) => {
    const { id } = IdParam.parse(req.params);
    const imp = await findImport(req.em, id);
    if (!imp) throw notFound('inläsning');
    // The file's totals are the bank's; its payments are shown for the caller's units' invoices, and unmatched ones.
    const payments = await paymentsOfImport(req.em, id, units);
    await logAccess(req, { action: 'read', target: `bgmax-import:${id}` });
    res.render('finance/import', {
      title: `Inläsning ${imp.fileName}`,
      imp,
      fileCreated: imp.fileCreatedAt.replace('T', ' ').slice(0, 16),
      again: req.query.redan !== undefined,
      payments: payments.map((p) => ({ ...p, how: p.matched ? sv(MATCH_LABELS, p.matched) : 'omatchad' })),
      balanced:
        imp.matchedOre + imp.unmatchedOre + imp.duplicateOre === imp.fileOre &&
        imp.matchedCount + imp.unmatchedCount + imp.duplicateCount === imp.paymentCount,
    });
  };
  const freeCards = async (req: Request, res: express.Response, { units }: Caller) => {
    const today = stockholmDateOf(new Date());
    const cards = await activeFreeCards(req.em, today, units);
    await logAccess(req, {
      action: 'list',
      target: 'admin:free-cards',
      patientIds: cards.map((c) => c.patientId),
      careUnitId: units?.length === 1 ? units[0] : null,
    });
    res.render('finance/free-cards', {
      title: 'Frikort',
      items: cards.map((c) => ({
        name: `${c.patient.givenName} ${c.patient.familyName}`,
        birth: `${c.patient.personnummer.slice(0, 8)}-****`,
        startDate: c.startDate,
        paidOre: c.paidOre,
        freeCardUntil: c.freeCardUntil,
      })),
    });
  };
  const apiImport = async (req: Request, res: express.Response) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0)
      throw new HttpError(400, 'file: the body must be the BgMax file', 'file', 'validation');
    const name = typeof req.query.name === 'string' ? req.query.name : 'bgmax.txt';
    const r = await importBgMax(req, temporal, { name, bytes: req.body });
    res.status(r.alreadyImported ? 200 : 201).json(r);
  };
  return { renderPayments, match, imports, upload, importPage, freeCards, apiImport };
}
