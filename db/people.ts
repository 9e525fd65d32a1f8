/** Patients and guardians: the people whose data the access log protects. Every query that reads them is here. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { GuardianLink, Patient, ProtectedIdentity, type ReminderChannels } from './entities';
import { insertIgnore } from './insert';
import { decideProxy } from '../domain/guardianship';
import { stockholmDateOf } from '../domain/dates';
import { DEFAULT_LANG, type Lang } from '../domain/i18n';

/** The patient's id for a normalised personnummer, or null. */
export async function findPatientIdByPersonnummer(em: EntityManager, personnummer: string): Promise<string | null> {
  const p = await em.findOne(Patient, { personnummer }, { fields: ['id'] });
  return p?.id ?? null;
}

export async function findPatient(em: EntityManager, id: string): Promise<Patient | null> {
  return em.findOne(Patient, { id });
}

export async function patientExists(em: EntityManager, id: string): Promise<boolean> {
  return (await em.count(Patient, { id })) > 0;
}

export interface PersonForProxy {
  personnummer: string;
  protectedIdentity: ProtectedIdentity;
}

/** A patient and their guardians (with each link's block), for the e-ID proxy decision. */
export async function patientWithGuardians(
  em: EntityManager,
  patientId: string,
): Promise<{ patient: PersonForProxy; guardians: Array<PersonForProxy & { blocked: boolean }> } | null> {
  const patient = await em.findOne(Patient, { id: patientId });
  if (!patient) return null;
  const links = await em.find(GuardianLink, { childId: patientId });
  const guardians = links.length ? await em.find(Patient, { id: { $in: links.map((l) => l.guardianId) } }) : [];
  const byId = new Map(guardians.map((g) => [g.id, g]));
  return {
    patient: { personnummer: patient.personnummer, protectedIdentity: patient.protectedIdentity },
    guardians: links.map((l) => ({ ...pick(byId.get(l.guardianId)!), blocked: l.blocked })),
  };
}

const pick = (p: Patient): PersonForProxy => ({ personnummer: p.personnummer, protectedIdentity: p.protectedIdentity });

/** Where mail to a patient goes: their own address, else an unblocked guardian's. */
export async function mailAddressFor(em: EntityManager, patientId: string): Promise<string | null> {
  return (await mailContactFor(em, patientId)).email;
}

/**
 * Where mail to a patient goes and in which language: their own address and language, else an
 * unblocked guardian's (whose language is the reader's); Swedish when nobody chose.
 */
export async function mailContactFor(
  em: EntityManager,
  patientId: string,
): Promise<{ email: string | null; language: Lang }> {
  const patient = await em.findOneOrFail(Patient, { id: patientId });
  const own = patient.language ?? DEFAULT_LANG;
  if (patient.email) return { email: patient.email, language: own };
  const links = await em.find(GuardianLink, { childId: patientId, blocked: false }, { orderBy: { createdAt: 'asc' } });
  if (!links.length) return { email: null, language: own };
  const guardians = await em.find(Patient, { id: { $in: links.map((l) => l.guardianId) }, email: { $ne: null } });
  const byId = new Map(guardians.map((g) => [g.id, g]));
  const guardian = links.map((l) => byId.get(l.guardianId)).find(Boolean);
  return guardian ? { email: guardian.email!, language: guardian.language ?? own } : { email: null, language: own };
}

/** The language a patient reads mail in (the payer of an invoice, say): their choice, else Swedish. */
export async function languageOfPatient(em: EntityManager, patientId: string): Promise<Lang> {
  const p = await em.findOne(Patient, { id: patientId }, { fields: ['language'] });
  return p?.language ?? DEFAULT_LANG;
}

/** The language chosen by the person logged in with this personnummer, or null (not chosen, or no record). */
export async function chosenLanguage(em: EntityManager, personnummer: string): Promise<Lang | null> {
  const p = await em.findOne(Patient, { personnummer }, { fields: ['language'] });
  return p?.language ?? null;
}

/** Keeps the patient's choice of language (Mina sidor's switch). */
export async function setLanguage(em: EntityManager, patientId: string, language: Lang) {
  await em.nativeUpdate(Patient, { id: patientId }, { language });
}

/**
 * Inserts patients and guardian links that are missing (demo and test data); returns how many of
 * each were new (a patient whose id or personnummer exists already is not).
 */
export async function ensurePeople(
  em: EntityManager,
  patients: Array<
    Pick<Patient, 'id' | 'personnummer' | 'givenName' | 'familyName' | 'protectedIdentity'> & { email?: string | null }
  >,
  links: Array<Pick<GuardianLink, 'id' | 'guardianId' | 'childId'>>,
): Promise<{ patients: number; links: number }> {
  return { patients: await insertIgnore(em, Patient, patients), links: await insertIgnore(em, GuardianLink, links) };
}

/**
 * The patients a person logged in with e-ID may act for: themself, and each child for whom the
 * guardian proxy rules (RULES.md §4) allow it on `date`.
 * @param personnummer - normalized (YYYYMMDD-XXXX)
 */
export async function actablePatients(
  em: EntityManager,
  personnummer: string,
  date: string,
): Promise<Array<{ patientId: string; actingAs: 'self' | 'guardian' }>> {
  const self = await em.findOne(Patient, { personnummer });
  if (!self) return [];
  const out: Array<{ patientId: string; actingAs: 'self' | 'guardian' }> = [{ patientId: self.id, actingAs: 'self' }];
  for (const link of await em.find(GuardianLink, { guardianId: self.id })) {
    const child = await patientWithGuardians(em, link.childId);
    if (!child) continue;
    const decision = decideProxy({ ...child, verified: { personnummer, loa: 'loa3' }, date });
    if (decision.allowed) out.push({ patientId: link.childId, actingAs: 'guardian' });
  }
  return out;
}

/**
 * How a reminder reaches the patient: their own address and number, else an unblocked guardian's
 * (a child's reminders go to the guardian), and the channels chosen on Mina sidor.
 */
export async function reminderContactFor(
  em: EntityManager,
  patientId: string,
): Promise<{ email: string | null; phone: string | null; channels: ReminderChannels; language: Lang }> {
  const patient = await em.findOneOrFail(Patient, { id: patientId });
  let { email = null, phone = null } = patient;
  // The reader's language: the patient's, else that of the guardian the reminder goes to.
  let language = patient.language ?? null;
  if (!email || !phone) {
    const guardians = await guardiansWhoMayAct(em, patient);
    const reader = guardians.find((g) => (!email && g.email) || (!phone && g.phone));
    email ??= guardians.find((g) => g.email)?.email ?? null;
    phone ??= guardians.find((g) => g.phone)?.phone ?? null;
    language ??= reader?.language ?? null;
  }
  return { email, phone, channels: patient.reminderChannels, language: language ?? DEFAULT_LANG };
}

/**
 * The guardians who may act for this patient today under the 1177 proxy rules (RULES.md §4: not for a
 * child of 13 or more or with protected identity, not a guardian with protected identity or blocked),
 * oldest link first: only they get a child's reminders.
 */
async function guardiansWhoMayAct(em: EntityManager, patient: Patient): Promise<Patient[]> {
  const links = await em.find(GuardianLink, { childId: patient.id }, { orderBy: { createdAt: 'asc' } });
  if (!links.length) return [];
  const people = await em.find(Patient, { id: { $in: links.map((l) => l.guardianId) } });
  const byId = new Map(people.map((g) => [g.id, g]));
  const guardians = links.map((l) => ({ person: byId.get(l.guardianId)!, blocked: l.blocked }));
  const date = stockholmDateOf(new Date());
  const input = {
    patient: pick(patient),
    guardians: guardians.map((g) => ({ ...pick(g.person), blocked: g.blocked })),
  };
  const verified = (g: Patient) => ({ personnummer: g.personnummer, loa: 'loa3' });
  return guardians
    .filter((g) => decideProxy({ ...input, verified: verified(g.person), date }).allowed)
    .map((g) => g.person);
}

/** The patient's (or child's) choice of reminder channels, set on Mina sidor. */
export async function setReminderChannels(em: EntityManager, patientId: string, channels: ReminderChannels) {
  await em.nativeUpdate(Patient, { id: patientId }, { reminderChannels: channels });
}

/** The patient's mobile number, where SMS reminders go (demo and test data; null removes it). */
export async function setPatientPhone(em: EntityManager, patientId: string, phone: string | null) {
  await em.nativeUpdate(Patient, { id: patientId }, { phone });
}
