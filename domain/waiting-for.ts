/** What an encounter waits for, as a code with its Swedish label; older encounters carry a sentence instead. */

/** Each code names who acts next and what they do; its label completes "väntar på att …". */
export const WAITING_FOR = [
  'answer-eligibility',
  'verify-identity',
  'book-slot',
  'confirm-checklist',
  'join-waiting-room',
  'admit-patient',
  'end-meeting',
  'write-journal-note',
  'journal-receipt',
  'enter-in-journal',
] as const;
export type WaitingFor = (typeof WAITING_FOR)[number];

/** The Swedish words staff read for each code. */
export const WAITING_FOR_LABELS_SV: Record<WaitingFor, string> = {
  'answer-eligibility': 'vårdgivaren ska besvara de fyra lämplighetsfrågorna',
  'verify-identity': 'patienten ska legitimera sig med BankID eller Freja eID+',
  'book-slot': 'administratören eller patienten ska boka en tid',
  'confirm-checklist': 'vårdgivaren ska bekräfta checklistan före mötet',
  'join-waiting-room': 'patienten ska ansluta till väntrummet',
  'admit-patient': 'vårdgivaren ska släppa in patienten',
  'end-meeting': 'vårdgivaren ska avsluta mötet',
  'write-journal-note': 'vårdgivaren ska skriva journalanteckningen',
  'journal-receipt': 'journalsystemet ska bekräfta anteckningen',
  'enter-in-journal': 'vårdgivaren ska föra in anteckningen i journalsystemet för hand',
};

/** The sentences encounters carried before the codes (recorded histories, rows not yet projected again). */
const SENTENCES: Record<string, WaitingFor> = {
  'clinician: answer the four eligibility questions': 'answer-eligibility',
  'patient: log in with e-ID (BankID or Freja eID+)': 'verify-identity',
  'administrator or patient: book a slot': 'book-slot',
  'clinician: confirm the pre-meeting checklist': 'confirm-checklist',
  'patient: join the waiting room': 'join-waiting-room',
  'clinician: admit the patient': 'admit-patient',
  'clinician: end the meeting': 'end-meeting',
  'clinician: write the journal note': 'write-journal-note',
};

export const isWaitingFor = (value: unknown): value is WaitingFor =>
  typeof value === 'string' && (WAITING_FOR as readonly string[]).includes(value);

/**
 * The code for a value read from a state, a row or a recorded history: a code stays itself, an old
 * sentence becomes its code, anything else passes through unchanged (so nothing is lost).
 * @param value - `waitingFor` as stored
 */
export function waitingForCode(value: string | null | undefined): WaitingFor | string | null {
  if (value == null) return null;
  return isWaitingFor(value) ? value : (SENTENCES[value] ?? value);
}

/**
 * The Swedish label for a code or an old sentence; null for nothing to wait for or an unknown value
 * (the page then shows its own neutral word, never the code).
 * @param value - `waitingFor` as stored
 */
export function waitingForLabel(value: string | null | undefined): string | null {
  const code = waitingForCode(value);
  return isWaitingFor(code) ? WAITING_FOR_LABELS_SV[code] : null;
}
