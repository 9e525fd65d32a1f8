/**
 * Entering a meeting through a link: who may (the patient, a guardian the rules allow, the booked
 * clinician, or the invited participant identified its own way), and the plain Swedish page for
 * everyone else. Someone else holding the patient's or a participant's link is an identity-failure deviation.
 */
import type { Request, Response } from 'express';
import type { Client } from '@temporalio/client';
import { logAccess, onEncounter } from '../http/audit';
import { principalId } from '../auth';
import { notFound } from '../http/errors';
import { EncounterRow, getEncounterRow } from '../../db/encounters';
import { recordDeviation } from '../../db/deviations';
import { patientWithGuardians } from '../../db/people';
import { decideProxy } from '../../domain/guardianship';
import { stockholmDateOf } from '../../domain/dates';
import { LINK_REFUSALS, PROXY_REFUSALS } from '../../domain/labels';
import { codeLink, inspectMeetingLink, type MeetRole } from './links';
import { tr } from '../../domain/i18n';
import { mayEnterAsParticipant, participantOf, PARTICIPANT_REFUSALS } from './participant-entry';
import { refusalPageText } from '../patient/texts';

export const refusedPage = (res: Response, status: number, title: string, message: string, reason: string) =>
  res.status(status).render('meet/refused', {
    layout: 'meet',
    // A patient reading English gets the catalogue's words for the same refusal (issue 28).
    ...(refusalPageText(res.locals.lang, reason) ?? { title, message }),
    reason,
  });

type Verdict =
  { ok: true; actingAs: string } | { ok: false; status: number; title: string; message: string; reason: string };

export type { Verdict };

/** Whether the logged-in caller may enter this encounter's meeting in this role. */
export async function mayEnter(req: Request, row: EncounterRow, role: 'patient' | 'clinician'): Promise<Verdict> {
  const p = req.principal!;
  if (role === 'clinician') {
    if (p.kind === 'staff' && p.clinicianId && p.clinicianId === row.clinicianId)
      return { ok: true, actingAs: 'clinician' };
    return {
      ok: false,
      status: 403,
      title: 'Länken gäller vårdgivaren',
      message: 'Länken är till den vårdgivare som mötet är bokat med. Logga in med det kortet (SITHS).',
      reason: 'not-booked-clinician',
    };
  }
  if (p.kind !== 'person')
    return {
      ok: false,
      status: 403,
      title: 'Länken gäller patienten',
      message: 'Länken är till patienten och öppnas med patientens e-legitimation (BankID eller Freja eID+).',
      reason: 'not-a-person',
    };
  const people = await patientWithGuardians(req.em, row.patientId);
  const decision = decideProxy({
    ...people!,
    verified: { personnummer: p.personnummer, loa: p.loa },
    date: stockholmDateOf(new Date()),
  });
  if (decision.allowed) return { ok: true, actingAs: decision.actingAs };
  // Someone else holds the patient's link: that is a deviation, once per person and encounter.
  await recordDeviation(req.em, {
    encounterId: row.id,
    category: 'identity-failure',
    severity: decision.reason === 'mismatch' ? 'high' : 'medium',
    description: `Mötets patientlänk öppnades av en person som inte får företräda patienten (${decision.reason}).`,
    dedupeKey: `meeting-link:${row.id}:${decision.reason}:${principalId(p)}`,
  });
  return {
    ok: false,
    status: 403,
    title: 'Du kan inte öppna det här mötet',
    message: PROXY_REFUSALS[decision.reason],
    reason: decision.reason,
  };
}

const isParticipantRole = (role: MeetRole): role is 'interpreter' | 'relative' | 'colleague' =>
  role !== 'patient' && role !== 'clinician';

/** The link, checked for the caller; renders the answer itself and returns null when it refused. */
export async function checkLink(req: Request, res: Response, temporal: Client) {
  res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
  const token = String(req.params.token);
  const p = req.principal;
  const link = await inspectMeetingLink(req.em, token, p ? principalId(p) : '');
  if ('refused' in link) {
    const r = LINK_REFUSALS[link.refused];
    refusedPage(res, r.status, r.title, r.message, link.refused);
    return null;
  }
  // A participant's link: its participant as the workflow has it now (removed, or who must log in how).
  const participant = isParticipantRole(link.role)
    ? await participantOf(req, temporal, link.encounterId, link.participantId)
    : null;
  if (isParticipantRole(link.role) && (!participant || participant.status === 'removed')) {
    const r = PARTICIPANT_REFUSALS.removed;
    refusedPage(res, r.status, r.title, r.message, 'removed');
    return null;
  }
  if (!p) {
    if (participant?.identification === 'one-time-code') {
      // The interpreter without Swedish e-ID: its way in is the code (api/meet/guest.ts).
      const row = await encounterRow(req, link.encounterId);
      await logAccess(req, onEncounter(row, 'view-meeting-link', { detail: { participantId: participant.id } }));
      await renderCodePage(req, res, token, 200);
      return null;
    }
    const to = link.role === 'clinician' || link.role === 'colleague' ? 'staff' : 'patient';
    res.redirect(`/login/${to}?returnTo=${encodeURIComponent(`/meet/${token}`)}`);
    return null;
  }
  const row = await encounterRow(req, link.encounterId);
  const verdict = participant
    ? await mayEnterAsParticipant(req, row, participant)
    : await mayEnter(req, row, link.role as 'patient' | 'clinician');
  if (!verdict.ok) {
    await logAccess(req, onEncounter(row, 'open-meeting', { outcome: 'refused', detail: { reason: verdict.reason } }));
    refusedPage(res, verdict.status, verdict.title, verdict.message, verdict.reason);
    return null;
  }
  return { token, link, row, actingAs: verdict.actingAs };
}

/**
 * The one-time-code page of an interpreter's link: "Skicka kod", the code's labelled field and "Gå till
 * väntrummet"; `sent` and `error` as the last form post left them, focus on the field once there is a code.
 */
export async function renderCodePage(
  req: Request,
  res: Response,
  token: string,
  status: number,
  shown: { sent?: string; error?: string } = {},
): Promise<void> {
  res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
  const found = await codeLink(req.em, token);
  const row = found ? await getEncounterRow(req.em, found.encounterId) : null;
  res.status(status).render('meet/code', {
    layout: 'meet',
    title: tr(req.lang, 'meet.code.title'),
    token,
    clinician: row?.clinicianName ? `${row.clinicianTitle} ${row.clinicianName}` : null,
    startsAt: row?.scheduledStart,
    ...shown,
    focusCode: Boolean(shown.sent || shown.error),
  });
}

export async function encounterRow(req: Request, id: string): Promise<EncounterRow> {
  const row = await getEncounterRow(req.em, id);
  if (!row) throw notFound('encounter');
  return row;
}
