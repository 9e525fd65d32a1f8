/**
 * What the demo's history holds (scripts/demo-history.ts writes it): each past encounter by patient,
 * clinician, working days ago and outcome, and each past message thread. The fees follow from the
 * order, oldest first: Erik reaches the high-cost ceiling on his sixth visit and gets a free card.
 */
import { createHash } from 'node:crypto';
import type { DeviationCategory, DeviationSeverity, DeviationStatus } from '../db/entities';
import type { DemoClinicianName, DemoPatientName } from '../db/seed';

export type Outcome = 'closed' | 'no-show' | 'cancelled' | 'referred-to-physical' | 'identity-failed';

/** One historic encounter: who, with whom, how many working days ago, and how it ended. */
export interface Visit {
  key: string;
  patient: DemoPatientName;
  clinician: DemoClinicianName;
  /** Working days before today; 0: earlier today. */
  daysAgo: number;
  /** Stockholm hour of the meeting. */
  hour: number;
  outcome: Outcome;
  reason: string;
  /** The invoice of a per-encounter charge: paid in full or in part by the demo's BgMax import. */
  paid?: 'full' | 'part';
  /** The journal note signed this many hours after the meeting (default: 40 minutes). */
  noteAfterHours?: number;
  /** A deviation of the meeting besides its outcome's own. */
  deviation?: DeviationPlan;
  /** The no-show fee forgiven with a credit note, this many days later. */
  waived?: { afterDays: number; reason: string };
}

/** A deviation's life: created, then (optionally) under review and closed with an action. */
export interface DeviationPlan {
  category: DeviationCategory;
  severity: DeviationSeverity;
  description: string;
  status: DeviationStatus;
  action?: string;
}

export const NO_SHOW = 'The patient did not join within the grace period';

/** The past encounters, oldest first. */
export const VISITS: Visit[] = [
  {
    key: 'erik-1',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 80,
    hour: 9,
    outcome: 'closed',
    reason: 'Blodtryckskontroll',
    paid: 'full',
  },
  {
    key: 'johanna-1',
    patient: 'johanna',
    clinician: 'fatima',
    daysAgo: 70,
    hour: 10,
    outcome: 'closed',
    reason: 'Halsont',
    paid: 'full',
  },
  {
    key: 'erik-2',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 66,
    hour: 9,
    outcome: 'closed',
    reason: 'Blodtryck, uppföljning',
    paid: 'full',
  },
  {
    key: 'anna-1',
    patient: 'anna',
    clinician: 'maria',
    daysAgo: 60,
    hour: 11,
    outcome: 'closed',
    reason: 'Eksem',
    paid: 'full',
  },
  {
    key: 'johanna-2',
    patient: 'johanna',
    clinician: 'fatima',
    daysAgo: 56,
    hour: 14,
    outcome: 'closed',
    reason: 'Halsont, uppföljning',
    paid: 'full',
  },
  {
    key: 'erik-3',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 52,
    hour: 9,
    outcome: 'closed',
    reason: 'Läkemedelsgenomgång',
    paid: 'full',
    noteAfterHours: 30,
    deviation: {
      category: 'missing-documentation',
      severity: 'medium',
      description: 'Journal note not written in time',
      status: 'closed',
      action: 'Läkaren påmind; rutinen för journalföring samma dag gicks igenom på arbetsplatsträffen.',
    },
  },
  {
    key: 'mikael-1',
    patient: 'mikael',
    clinician: 'johan',
    daysAgo: 50,
    hour: 13,
    outcome: 'closed',
    reason: 'Såromläggning',
    paid: 'full',
  },
  {
    key: 'anna-2',
    patient: 'anna',
    clinician: 'maria',
    daysAgo: 45,
    hour: 10,
    outcome: 'no-show',
    reason: 'Eksem, uppföljning',
    deviation: {
      category: 'no-show',
      severity: 'low',
      description: NO_SHOW,
      status: 'closed',
      action: 'Patienten kontaktad per telefon; påmind om avbokningsreglerna.',
    },
  },
  {
    key: 'karin-1',
    patient: 'karin',
    clinician: 'lars',
    daysAgo: 42,
    hour: 15,
    outcome: 'closed',
    reason: 'Ryggsmärta, övningar',
  },
  {
    key: 'erik-4',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 38,
    hour: 9,
    outcome: 'closed',
    reason: 'Blodtryck',
    paid: 'full',
  },
  {
    key: 'liam-1',
    patient: 'liam',
    clinician: 'maria',
    daysAgo: 35,
    hour: 8,
    outcome: 'closed',
    reason: 'Utslag (vårdnadshavare deltar)',
  },
  {
    key: 'nora-1',
    patient: 'nora',
    clinician: 'fatima',
    daysAgo: 33,
    hour: 11,
    outcome: 'identity-failed',
    reason: 'Öronvärk',
    deviation: {
      category: 'identity-failure',
      severity: 'high',
      description: 'Identity check failed: child-protected',
      status: 'closed',
      action: 'Fysiskt besök bokat; vårdnadshavaren informerad om varför barnets möte inte kan vara digitalt.',
    },
  },
  {
    key: 'sven-1',
    patient: 'sven',
    clinician: 'fatima',
    daysAgo: 30,
    hour: 9,
    outcome: 'closed',
    reason: 'Receptförnyelse',
    deviation: {
      category: 'video-failure',
      severity: 'medium',
      description: 'Bilden frös efter tio minuter; mötet avslutades per telefon.',
      status: 'new',
    },
  },
  {
    key: 'greta-1',
    patient: 'greta',
    clinician: 'johan',
    daysAgo: 30,
    hour: 14,
    outcome: 'closed',
    reason: 'Blodsocker',
  },
  {
    key: 'per-1',
    patient: 'per',
    clinician: 'maria',
    daysAgo: 28,
    hour: 10,
    outcome: 'cancelled',
    reason: 'Knäsmärta',
  },
  {
    key: 'liam-2',
    patient: 'liam',
    clinician: 'maria',
    daysAgo: 25,
    hour: 8,
    outcome: 'no-show',
    reason: 'Utslag, uppföljning',
    deviation: { category: 'no-show', severity: 'low', description: NO_SHOW, status: 'under_review' },
  },
  {
    key: 'erik-5',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 24,
    hour: 9,
    outcome: 'closed',
    reason: 'Blodtryck, uppföljning',
  },
  {
    key: 'karin-2',
    patient: 'karin',
    clinician: 'lars',
    daysAgo: 22,
    hour: 15,
    outcome: 'closed',
    reason: 'Ryggsmärta, uppföljning',
    noteAfterHours: 28,
    deviation: {
      category: 'missing-documentation',
      severity: 'medium',
      description: 'Journal note not written in time',
      status: 'new',
    },
  },
  {
    key: 'mikael-2',
    patient: 'mikael',
    clinician: 'johan',
    daysAgo: 20,
    hour: 13,
    outcome: 'no-show',
    reason: 'Såromläggning, kontroll',
    waived: { afterDays: 2, reason: 'Sjukdom, läkarintyg uppvisat.' },
    deviation: {
      category: 'no-show',
      severity: 'low',
      description: NO_SHOW,
      status: 'closed',
      action: 'Avgiften avskriven: patienten var sjuk, intyg uppvisat.',
    },
  },
  {
    key: 'maja-1',
    patient: 'maja',
    clinician: 'fatima',
    daysAgo: 15,
    hour: 16,
    outcome: 'closed',
    reason: 'Astma, kontroll',
  },
  {
    key: 'per-2',
    patient: 'per',
    clinician: 'maria',
    daysAgo: 14,
    hour: 10,
    outcome: 'closed',
    reason: 'Knäsmärta',
    paid: 'part',
  },
  {
    key: 'mikael-3',
    patient: 'mikael',
    clinician: 'johan',
    daysAgo: 12,
    hour: 13,
    outcome: 'referred-to-physical',
    reason: 'Bröstsmärta',
  },
  { key: 'erik-6', patient: 'erik', clinician: 'maria', daysAgo: 10, hour: 9, outcome: 'closed', reason: 'Blodtryck' },
  {
    key: 'elsa-1',
    patient: 'elsa',
    clinician: 'johan',
    daysAgo: 8,
    hour: 15,
    outcome: 'closed',
    reason: 'Idrottsskada',
  },
  {
    key: 'anna-3',
    patient: 'anna',
    clinician: 'maria',
    daysAgo: 5,
    hour: 11,
    outcome: 'closed',
    reason: 'Eksem, kontroll',
  },
  {
    key: 'johanna-3',
    patient: 'johanna',
    clinician: 'fatima',
    daysAgo: 4,
    hour: 10,
    outcome: 'closed',
    reason: 'Hosta',
  },
  {
    key: 'erik-7',
    patient: 'erik',
    clinician: 'maria',
    daysAgo: 3,
    hour: 9,
    outcome: 'closed',
    reason: 'Blodtryck, kontroll',
  },
  {
    key: 'karin-3',
    patient: 'karin',
    clinician: 'lars',
    daysAgo: 1,
    hour: 15,
    outcome: 'closed',
    reason: 'Ryggsmärta, avslut',
  },
  {
    key: 'per-3',
    patient: 'per',
    clinician: 'johan',
    daysAgo: 0,
    hour: 0,
    outcome: 'closed',
    reason: 'Vaccinationsfråga',
  },
];

/** A message thread of the past: the patient's question, the answer, and how long it took. */
export interface PastThread {
  key: string;
  patient: DemoPatientName;
  /** Who answers (a clinician of the patient's unit). */
  clinician: DemoClinicianName;
  subject: string;
  text: string;
  answer: string;
  daysAgo: number;
  hour: number;
  /** Working days from arrival to the answer (more than 2 breaks the answer rule, RULES.md §3). */
  answerAfterWorkingDays: number;
  lateDeviation?: DeviationStatus;
}

/** Message threads of the past, each answered (one too late) and closed with its dated summary. */
export const THREADS: PastThread[] = [
  {
    key: 'per',
    patient: 'per',
    clinician: 'johan',
    subject: 'Vaccination inför resa',
    text: 'Hej! Vilka vaccin behöver jag inför en resa till Thailand i vår?',
    answer: 'Hej Per! Boka gärna en tid hos vaccinationsmottagningen; vi går igenom resplanen där.',
    daysAgo: 45,
    hour: 9,
    answerAfterWorkingDays: 0,
  },
  {
    key: 'mikael',
    patient: 'mikael',
    clinician: 'johan',
    subject: 'Såret läcker',
    text: 'Hej, förbandet blir blött varje kväll. Ska jag byta oftare?',
    answer: 'Hej Mikael! Byt förbandet morgon och kväll och hör av dig om det blir rött eller varmt.',
    daysAgo: 26,
    hour: 16,
    answerAfterWorkingDays: 4,
    lateDeviation: 'under_review',
  },
  {
    key: 'karin',
    patient: 'karin',
    clinician: 'lars',
    subject: 'Övningarna',
    text: 'Hej! Ska jag fortsätta med övningarna även de dagar det gör ont?',
    answer: 'Hej Karin! Ja, men gör färre repetitioner de dagarna och vila mellan.',
    daysAgo: 9,
    hour: 8,
    answerAfterWorkingDays: 1,
  },
];

/** A stable id per history record, so a second start finds the history and writes nothing. */
export const demoUuid = (key: string): string => {
  const h = createHash('sha256').update(`vardmote-demo-history:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The ids of the history's encounters. */
export const historyEncounterIds = (): string[] => VISITS.map((v) => demoUuid(`encounter:${v.key}`));
