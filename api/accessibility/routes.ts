/**
 * The accessibility statement (DOS-lagen, DIGG's model) at a fixed address for everyone, and its form:
 * a reported barrier becomes a deviation of its own category for the quality lead, then a receipt.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import { logAccess } from '../http/audit';
import { HttpError } from '../http/errors';
import { anyone } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import { recordBarrierReport } from '../../db/deviations';
import {
  type BarrierField,
  checkBarrierReport,
  CONTACT_MAX,
  DESCRIPTION_MAX,
  isFormKey,
  PAGE_MAX,
  prefillPage,
  STATEMENT_PATH,
} from '../../domain/accessibility';

const FIELDS_ON_PAGE: readonly BarrierField[] = ['description', 'page', 'contact'];
/** A field's message as a sentence on the page ('beskriv …' → 'Beskriv ….'); the JSON answer keeps `field: message`. */
const sentence = (m: string) => `${m[0].toUpperCase()}${m.slice(1)}.`;

/** What the form shows: the values to fill in and, after a refused report, the one wrong field. */
interface FormView {
  description?: string;
  page?: string | null;
  contact?: string;
  key: string;
}

/**
 * The statement, its form and the receipt, open to anyone (the anonymous rate class, by address).
 * @param deps - the provider's name (`FINANCE_PAYEE`), the mail address (`ACCESSIBILITY_EMAIL`) and `PUBLIC_URL`
 */
export function accessibilityRoutes({ config }: AppDeps): RouteDef[] {
  // Never cached: each rendering has its own form key (a shared one would merge two people's identical reports).
  const statement = (res: Response, form: FormView, error?: { field: BarrierField; message: string }) =>
    res.set('cache-control', 'no-store').render('accessibility/statement', {
      layout: 'meet',
      title: 'Tillgänglighetsredogörelse',
      provider: config.finance.payee,
      email: config.accessibility.email,
      descriptionMax: DESCRIPTION_MAX,
      pageMax: PAGE_MAX,
      contactMax: CONTACT_MAX,
      form,
      error: error && {
        message: sentence(error.message),
        anchor: FIELDS_ON_PAGE.includes(error.field) ? `report-${error.field}` : undefined,
      },
      errors: error ? { [error.field]: sentence(error.message) } : {},
    });

  /** The report, or a 400 naming the wrong field: the form again with what was written (a page), or JSON. */
  const report = async (req: Request, res: Response) => {
    const check = checkBarrierReport(req.body);
    if (!check.ok) {
      if (req.accepts(['json', 'html']) !== 'html')
        throw new HttpError(400, `${check.field}: ${check.message}`, check.field, 'validation');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      return void statement(
        res.status(400),
        {
          description: str(b.description),
          page: str(b.page),
          contact: str(b.contact),
          key: isFormKey(b.key) ? b.key : randomUUID(),
        },
        check,
      );
    }
    const r = check.report;
    // The deviation and its log row commit together; the log names the deviation, never the report's text or contact.
    await req.em.transactional(async (tx) => {
      const { id, created } = await recordBarrierReport(tx, { ...r, key: r.key ?? randomUUID() });
      if (created)
        await logAccess(
          req,
          {
            action: 'create',
            target: `deviation:${id}`,
            careUnitId: null,
            detail: { category: 'accessibility-barrier' },
          },
          tx,
        );
    });
    res.redirect(303, `${STATEMENT_PATH}/tack`);
  };

  return [
    get(STATEMENT_PATH, anyone, (req, res) =>
      statement(res, {
        page: prefillPage(req.query.sida, req.get('referer'), config.web.publicUrl),
        key: randomUUID(),
      }),
    ),
    post(STATEMENT_PATH, anyone, report),
    get(`${STATEMENT_PATH}/tack`, anyone, (_req, res) =>
      res.render('accessibility/receipt', { layout: 'meet', title: 'Tack för din rapport' }),
    ),
  ];
}
