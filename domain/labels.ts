/**
 * Swedish words for the workflow's code words: what staff read on every page. The code names stay
 * English (in the API, the workflow and the database); nothing here is stored.
 */
import type { ChargeKind } from '../db/entities';
import type { ProxyRefusal } from './guardianship';

/** Why a meeting link opens nothing (api/meet/links.ts). */
export type LinkRefusal = 'unknown' | 'expired' | 'used' | 'revoked';
import { STATUS_LABELS_SV, type EncounterStatus, type Role } from '../workflows/encounter.messages';

export const EVENT_LABELS: Record<string, string> = {
  // Entering a step or ending in an exit is recorded under the status itself.
  ...STATUS_LABELS_SV,
  requested: 'Vårdmöte begärt',
  'eligibility-answered': 'Lämplighetsfrågorna besvarade',
  'identity-verified': 'Identitet bekräftad med e-legitimation',
  'identity-refused': 'Identitet nekad',
  booked: 'Tid bokad',
  rescheduled: 'Ombokad',
  'invitation-sent': 'Kallelse skickad',
  'invitation-created': 'Kallelse skapad',
  'invitation-accepted': 'Kallelsen bokad av patienten',
  'booking-released': 'Bokad tid släppt',
  'engagement-index-failed': 'Engagemangsindex tog inte emot bokningen',
  'checklist-confirmed': 'Checklistan bekräftad',
  'clinician-joined': 'Vårdgivaren anslöt',
  'patient-joined': 'Patienten anslöt',
  'clinician-left': 'Vårdgivaren lämnade',
  'patient-left': 'Patienten lämnade',
  'patient-admitted': 'Patienten insläppt',
  'video-problem': 'Videoproblem',
  'media-up': 'Bilden tillbaka',
  'media-down': 'Bildbortfall',
  'switched-to-phone': 'Bytt till telefon',
  'session-ended': 'Mötet avslutat',
  'documentation-reminder': 'Påminnelse om journalanteckning',
  'documentation-overdue': 'Journalanteckningen är försenad',
  'journal-note-written': 'Journalanteckning signerad',
  'fee-decided': 'Avgift beslutad',
  'invoicing-started': 'Fakturering påbörjad',
  'journal-delivered': 'Journalförd i journalsystemet',
  'journal-manual-needed': 'Ska föras in i journalen för hand',
  'journal-entered-by-hand': 'Införd i journalen för hand',
  'reminder-sent': 'Påminnelse skickad till patienten',
  'reminder-failed': 'Påminnelsen kunde inte skickas',
  'reminder-skipped': 'Påminnelsen skickades inte (för sent)',
  'attendance-confirmed': 'Patienten bekräftade att hen kommer',
  'waiting-alert-sent': 'Vårdgivare och mottagning fick SMS: patienten väntar',
  'waiting-alert-failed': 'SMS om väntande patient kunde inte skickas',
  // More than two in the room (issue 26).
  'participant-invited': 'Deltagare inbjuden',
  'participant-accepted': 'Patienten godkände deltagaren',
  'participant-joined': 'Deltagaren kom till väntrummet',
  'participant-admitted': 'Deltagaren insläppt',
  'participant-left': 'Deltagaren lämnade',
  'participant-removed': 'Deltagaren borttagen',
  'interpreter-no-show': 'Tolk uteblev',
  'participant-code-sent': 'Engångskod skickad till tolken',
  'participant-code-failed': 'Engångskoden kunde inte skickas',
};

/** Where a patient's confirmation or cancellation was made (the timeline's detail `source`). */
export const SOURCE_LABELS: Record<string, string> = {
  reminder: 'från påminnelsen',
  'mina-sidor': 'på Mina sidor',
};

export const OUTCOME_LABELS: Record<string, string> = {
  created: 'skapat',
  entered: 'påbörjat',
  ended: 'avslutat',
  eligible: 'lämpligt för digitalt möte',
  'not-eligible': 'inte lämpligt – hänvisas till fysiskt besök',
  self: 'patienten själv',
  guardian: 'vårdnadshavare',
  'loa-too-low': 'för låg tillitsnivå',
  mismatch: 'fel person',
  'child-13-or-older': 'barnet är 13 år eller äldre',
  'child-protected': 'barnet har skyddad identitet',
  'guardian-protected': 'vårdnadshavaren har skyddad identitet',
  'guardian-blocked': 'vårdnadshavaren är spärrad',
  reserved: 'reserverad',
  held: 'hålls före bedömningen',
  open: 'öppen kallelse utan tid',
  timed: 'kallelse med tid',
  refused: 'nekad',
  delivered: 'mottagen av journalsystemet',
  'no-receipt': 'inget kvitto i tid',
  'not-configured': 'inget journalsystem anslutet',
  'identity-failed': 'identifieringen misslyckades',
  late: 'sent (mindre än 24 timmar före)',
  'in-time': 'i tid',
  confirmed: 'bekräftad',
  'in-session': 'i mötet',
  'waiting-room': 'i väntrummet',
  phone: 'telefon',
  video: 'video',
  signed: 'signerad',
  sent: 'skickad',
  deviation: 'avvikelse registrerad',
  patient: 'patienten',
  clinician: 'vårdgivaren',
  'exempt-age': 'avgiftsfri på grund av ålder',
  'free-card': 'frikort',
  partial: 'delavgift upp till högkostnadsskyddet',
  full: 'hel avgift',
  'per-encounter': 'en faktura för besöket',
  monthly: 'på månadens faktura',
  external: 'faktureras i regionens eget system',
  'ICE failed': 'anslutningen misslyckades (ICE)',
  // Reminders (issue 27): which one, and on which channel one failed.
  booked: 'vid bokningen',
  'day-before': 'dagen före',
  'before-meeting': 'strax före mötet',
  'open-invitation': 'kallelse utan vald tid',
  sms: 'SMS',
  mail: 'e-post',
  // Participants (issue 26): the kind invited, admitted or removed, and where one was when it left.
  interpreter: 'tolk',
  relative: 'närstående',
  colleague: 'vårdgivare från annan enhet',
  admitted: 'i mötet',
  waiting: 'i väntrummet',
  failed: 'misslyckades',
};

/** What the workflow waits for, by the (English) sentence its state carries. */
export const WAITING_LABELS: Record<string, string> = {
  'clinician: answer the four eligibility questions': 'vårdgivaren ska besvara de fyra lämplighetsfrågorna',
  'patient: log in with e-ID (BankID or Freja eID+)': 'patienten ska legitimera sig med BankID eller Freja eID+',
  'administrator or patient: book a slot': 'administratören eller patienten ska boka en tid',
  'clinician: confirm the pre-meeting checklist': 'vårdgivaren ska bekräfta checklistan före mötet',
  'patient: join the waiting room': 'patienten ska ansluta till väntrummet',
  'clinician: admit the patient': 'vårdgivaren ska släppa in patienten',
  'clinician: end the meeting': 'vårdgivaren ska avsluta mötet',
  'clinician: write the journal note': 'vårdgivaren ska skriva journalanteckningen',
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'vårdadministratör',
  clinician: 'vårdgivare',
  patient: 'patient',
  guardian: 'vårdnadshavare',
  agent: 'ombud via 1177',
  system: 'systemet',
};

export const CHARGE_LABELS: Record<ChargeKind, string> = {
  visit: 'Patientavgift',
  'no-show': 'Avgift för uteblivet besök',
  'late-cancel': 'Avgift för sen avbokning',
};

/** The Swedish word, or a neutral Swedish placeholder (never the code word) when one is missing. */
export const sv = (table: Record<string, string>, code: string | null | undefined): string =>
  code == null ? '' : (table[code] ?? 'övrigt');

export const statusLabel = (s: string) => STATUS_LABELS_SV[s as EncounterStatus] ?? 'okänd status';

export const DEVIATION_CATEGORY_LABELS: Record<string, string> = {
  'missing-documentation': 'Journalanteckning saknas eller är sen',
  'not-in-journal': 'Anteckningen har inte nått journalsystemet',
  'accessibility-barrier': 'Tillgänglighetsbrist',
  'interpreter-no-show': 'Tolk uteblev',
  'late-answer': 'Sent svar på meddelande',
  'no-show': 'Uteblivet besök',
  'identity-failure': 'Identifiering misslyckades',
  'video-failure': 'Videon fungerade inte',
  'late-cancellation': 'Sen avbokning',
  other: 'Övrigt',
};
export const DEVIATION_SEVERITY_LABELS: Record<string, string> = { low: 'Låg', medium: 'Medel', high: 'Hög' };
export const DEVIATION_STATUS_LABELS: Record<string, string> = {
  new: 'Ny',
  under_review: 'Under utredning',
  closed: 'Avslutad',
};

const ACCESS_ACTIONS: Record<string, string> = {
  access: 'försökte nå',
  create: 'skapade',
  export: 'exporterade',
  'issue-meeting-links': 'skapade möteslänkar',
  'issue-participant-link': 'skapade en deltagarlänk',
  'request-participant-code': 'bad om engångskod till mötet',
  'verify-participant-code': 'angav engångskod till mötet',
  'join-video': 'anslöt till videorummet',
  list: 'listade',
  login: 'loggade in',
  logout: 'loggade ut',
  'no-show-reason': 'angav orsak till uteblivet besök',
  'open-meeting': 'öppnade mötet',
  'open-meeting-room': 'öppnade mötesrummet',
  read: 'läste',
  'revoke-meeting-links': 'återkallade möteslänkar',
  'view-meeting-link': 'visade möteslänken',
  watch: 'följde vårdmötet',
  'enter-waiting-room': 'gick in i väntrummet',
  'leave-waiting-room': 'lämnade väntrummet',
  rate: 'betygsatte vårdmötet',
};

/** An access-log action in Swedish: 'update:book' → 'ändrade (Tid bokad)'-style, by its prefix. */
export function accessActionLabel(action: string): string {
  const [kind, name] = action.split(':');
  if (name === undefined) return ACCESS_ACTIONS[action] ?? 'övrig åtgärd';
  if (kind === 'update' || kind === 'meet') return `ändrade vårdmötet (${UPDATE_LABELS[name] ?? 'övrigt'})`;
  if (kind === 'review') return `granskade avvikelse (${DEVIATION_STATUS_LABELS[name] ?? 'övrigt'})`;
  if (kind === 'signal') return 'rapporterade närvaro';
  return 'övrig åtgärd';
}

const UPDATE_LABELS: Record<string, string> = {
  answerEligibility: 'lämplighetsfrågor',
  recordIdentity: 'identifiering',
  book: 'bokning',
  reschedule: 'ombokning',
  confirmChecklist: 'checklista',
  admitPatient: 'släppte in patienten',
  endSession: 'avslutade mötet',
  switchToPhone: 'bytte till telefon',
  submitJournalNote: 'journalanteckning',
  cancel: 'avbokning',
  inviteParticipant: 'bjöd in en deltagare',
  acceptParticipant: 'godkände en deltagare',
  admitParticipant: 'släppte in en deltagare',
  removeParticipant: 'tog bort en deltagare',
};

export const ACCESS_OUTCOME_LABELS: Record<string, string> = { ok: 'genomförd', refused: 'nekad', error: 'fel' };

export const INVOICE_STATUS_LABELS: Record<string, string> = {
  open: 'Obetald',
  'partly-paid': 'Delbetald',
  paid: 'Betald',
  overpaid: 'Överbetald',
  reminded: 'Påminnelse skickad',
  overdue: 'Förfallen',
  credited: 'Krediterad',
  'credit-note': 'Kreditfaktura',
};

export const MATCH_LABELS: Record<string, string> = { auto: 'automatiskt (OCR)', manual: 'manuellt' };

/** Why a fee is what it is (charge.reason), for patients and finance staff. */
export const FEE_REASON_LABELS: Record<string, string> = {
  full: 'hel avgift',
  partial: 'delbelopp, högkostnadsskyddet nås',
  'free-card': 'frikort',
  'exempt-age': 'avgiftsfri ålder',
  'no-show': 'uteblivet besök',
  'late-cancel': 'sen avbokning',
};

/** A refusal in the words staff read, by failure type (domain/failures.ts) or the API's error code. */
export const REFUSAL_LABELS: Record<string, string> = {
  WrongStep: 'Det går inte i vårdmötets nuvarande steg. Sidan visar vad som går just nu.',
  SlotTaken: 'Tiden hann bokas av någon annan. Välj en annan tid.',
  WrongActor: 'Det här får bara den person göra som steget väntar på.',
  Invalid: 'Uppgifterna är inte giltiga.',
  NotFound: 'Det du valde finns inte längre.',
  'not-found': 'Det du valde finns inte längre.',
  'slot-other-unit': 'Tiden hör till en annan mottagning.',
  'slot-started': 'Tiden har redan börjat. Välj en senare tid.',
  forbidden: 'Du har inte behörighet till detta.',
  validation: 'Något fält är inte rätt ifyllt.',
  checksum: 'Personnumret är inte giltigt (kontrollsiffran stämmer inte).',
};
export const refusalLabel = (code: string): string => REFUSAL_LABELS[code] ?? 'Åtgärden kunde inte genomföras.';

/** Meeting links and proxies: why someone cannot enter, in words the person understands (RULES.md §4). */
const ASK_FOR_NEW = 'Be mottagningen om en ny länk.';
export const LINK_REFUSALS: Record<LinkRefusal, { status: number; title: string; message: string }> = {
  unknown: {
    status: 404,
    title: 'Länken är ogiltig',
    message: 'Länken finns inte. Kontrollera att du har kopierat hela länken, eller be mottagningen om en ny.',
  },
  expired: { status: 410, title: 'Länken har gått ut', message: `Länken gällde bara en kort tid. ${ASK_FOR_NEW}` },
  used: {
    status: 410,
    title: 'Länken är redan använd',
    message: `Länken har redan öppnats av en annan person. ${ASK_FOR_NEW}`,
  },
  revoked: {
    status: 410,
    title: 'Länken är återkallad',
    message: `Mottagningen har ersatt eller dragit in länken. ${ASK_FOR_NEW}`,
  },
};

/** Why an e-ID login may not enter a patient's meeting, in words the person understands (RULES.md §4). */
export const PROXY_REFUSALS: Record<ProxyRefusal, string> = {
  'loa-too-low': 'Din e-legitimation har för låg tillitsnivå. Logga in med BankID eller Freja eID+.',
  mismatch:
    'Du är inte patienten i det här vårdmötet och inte registrerad vårdnadshavare. Länken kan ha hamnat hos fel person – kontakta mottagningen.',
  'child-13-or-older': 'Från 13 år loggar barnet in med sin egen e-legitimation. Barnet behöver själv öppna länken.',
  'child-protected':
    'Ett barn med skyddad identitet kan inte företrädas av vårdnadshavare i e-tjänster. Kontakta mottagningen för ett annat sätt att mötas.',
  'guardian-protected':
    'En vårdnadshavare med skyddad identitet kan inte företräda barnet i e-tjänster. Kontakta mottagningen.',
  'guardian-blocked': 'Mottagningen har spärrat vårdnadshavares åtkomst i e-tjänster för det här barnet.',
};

/** The Utkorg (issue 27): each message's channel, and an SMS's delivery receipt from the SMS centre. */
export const OUTBOX_CHANNEL_LABELS: Record<string, string> = { mail: 'E-post', sms: 'SMS' };
export const SMS_DELIVERY_LABELS: Record<string, string> = {
  delivered: 'Levererat',
  undeliverable: 'Kunde inte levereras',
  expired: 'Inte levererat i tid',
  rejected: 'Avvisat av operatören',
  unknown: 'Okänt leveransbesked',
};
/** An SMS's delivery in words: its receipt, or that none has come since it was sent; null for mail. */
export function smsDeliveryLabel(m: { channel: string; status: string; deliveryStatus: string | null }): string | null {
  if (m.channel !== 'sms') return null;
  if (m.deliveryStatus) return SMS_DELIVERY_LABELS[m.deliveryStatus] ?? SMS_DELIVERY_LABELS.unknown;
  return m.status === 'sent' ? 'Väntar på leveransbesked' : null;
}

/** Why a charge cannot be waived, by the refusal's reason (activities/invoice) or its code. */
export const WAIVE_REFUSAL_LABELS: Record<string, string> = {
  'already-credited': 'Avgiften är redan avskriven.',
  'counts-to-ceiling': 'En besöksavgift räknas mot högkostnadsskyddet och kan inte avskrivas här.',
  closed: 'Fakturan är avslutad och kan inte längre ändras.',
  'not-on-invoice': 'Avgiften finns inte på fakturan.',
};
export const waiveRefusalLabel = (code: string): string =>
  WAIVE_REFUSAL_LABELS[code] ?? 'Avgiften kunde inte avskrivas.';

/** The patient's rating of a closed encounter (issue 27): the question and each score's words. */
export const RATING_QUESTION = 'Hur nöjd är du med ditt digitala vårdmöte?';
export const RATING_LABELS: Record<number, string> = {
  1: 'Mycket missnöjd',
  2: 'Missnöjd',
  3: 'Varken nöjd eller missnöjd',
  4: 'Nöjd',
  5: 'Mycket nöjd',
};
