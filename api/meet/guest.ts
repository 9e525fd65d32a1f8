/**
 * The interpreter without Swedish e-ID in a browser (issue 26): the code page's two forms. "Skicka kod"
 * and the code itself post as plain forms to the routes that answer JSON to other callers; a form gets
 * the page again (the code sent, or the refusal next to the field), and the right code leads to the
 * guest's meeting page, `/meet/guest/:id` (the meeting page driven by `/meet/api/guest/*`).
 */
import type { Request, Response } from 'express';
import type { Client } from '@temporalio/client';
import { HttpError } from '../http/errors';
import { tr } from '../../domain/i18n';
import { renderCodePage } from './entry';
import { requestCode, verifyCode } from './participants';

/** A browser's form post, not a JSON call. */
export const isFormPost = (req: Request) => Boolean(req.is('application/x-www-form-urlencoded'));

/** "Skicka kod": the page again, saying where the code went (or that one was just sent). */
export async function sendCodeFromPage(temporal: Client, req: Request, res: Response): Promise<void> {
  const token = String(req.params.token);
  try {
    const { channel } = await requestCode(temporal, req);
    const sent = tr(req.lang, channel === 'sms' ? 'meet.code.sentSms' : 'meet.code.sentMail');
    await renderCodePage(req, res, token, 200, { sent });
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 429) throw err;
    await renderCodePage(req, res, token, 429, { sent: err.message });
  }
}

/** The code: to the guest's meeting page when right, else the page with the refusal at the field. */
export async function verifyCodeFromPage(temporal: Client, req: Request, res: Response): Promise<void> {
  const token = String(req.params.token);
  const code = typeof req.body?.code === 'string' ? req.body.code.replace(/\s/g, '') : '';
  if (!/^\d{6}$/.test(code))
    return renderCodePage(req, res, token, 400, { error: tr(req.lang, 'meet.code.sixDigits') });
  req.body = { code };
  try {
    const { encounterId } = await verifyCode(temporal, req);
    res.redirect(303, `/meet/guest/${encounterId}`);
  } catch (err) {
    if (!(err instanceof HttpError) || (err.field !== 'code' && err.status !== 410)) throw err;
    await renderCodePage(req, res, token, err.status, { error: err.message });
  }
}
