/**
 * The Swedish words of Mina sidor that code chooses rather than a template: notices after an action,
 * refusals, what happens next, and the names the fee rules use. One keyed place with {placeholders},
 * so an i18n catalogue can take them over as they are (issue 28).
 */
import type { NextStepCode } from '../../domain/patient-actions';
import type { MoveRefusal } from '../../domain/patient-actions';
import type { Profession, Region, ReminderChannels } from '../../db/entities';

/** After an action, by the page's `klart` key. */
export const NOTICES_SV = {
  bekraftad: 'Tack! Du har bekräftat att du kommer.',
  avbokad: 'Tiden är avbokad.',
  sen: 'Tiden för att avboka utan kostnad har just passerat. Avgiften står nedan – avboka igen om du vill.',
  flyttad: 'Tiden är flyttad. Din nya tid står nedan.',
  bokad: 'Tiden är bokad. Din tid står nedan.',
  'kallelse-ja': 'Tack! Du har tackat ja till tiden.',
  'kallelse-nej': 'Du har tackat nej till kallelsen. Mottagningen ser ditt svar.',
  'kallelse-sen':
    'Tiden för att tacka nej utan kostnad har just passerat. Avgiften står nedan – tacka nej igen om du vill.',
  'flytt-sen':
    'Tiden för att flytta utan kostnad har just passerat. Avgiften står nedan – välj tiden igen om du vill flytta ändå.',
} as const;

/** The notice for a `klart` key from the address, or null for anything else. */
export const noticeFor = (key: unknown): string | null =>
  typeof key === 'string' && Object.hasOwn(NOTICES_SV, key) ? NOTICES_SV[key as keyof typeof NOTICES_SV] : null;

/** Why a move, a first choice or an answer to a kallelse was refused; {mottagning} and {yrke} are filled in. */
export const REFUSALS_SV: Record<
  | MoveRefusal
  | 'choose-slot'
  | 'not-changeable'
  | 'ended'
  | 'started'
  | 'no-offer'
  | 'offer-open'
  | 'not-yours'
  | 'unavailable'
  | 'room-closed'
  | 'room-failed',
  string
> = {
  'choose-slot': 'Välj en av de lediga tiderna i listan.',
  'slot-missing': 'Tiden finns inte. Välj en av de lediga tiderna i listan.',
  'slot-other-unit': 'Tiden hör till en annan mottagning. Du kan bara välja en tid hos {mottagning}.',
  'slot-other-profession': 'Tiden är hos en annan sorts vårdgivare. Du kan bara flytta till en tid hos en {yrke}.',
  'slot-started': 'Tiden har redan passerat. Välj en senare tid.',
  'slot-same': 'Det är redan din tid. Välj en annan tid.',
  'slot-taken': 'Tiden har blivit upptagen av en annan patient. Välj en annan tid.',
  'not-changeable':
    'Tiden kan inte ändras nu. En tid kan flyttas fram till att mötet öppnar; behöver du ändra något senare, kontakta {mottagning}.',
  ended: 'Mötet är avbokat eller avslutat och kan inte ändras.',
  started: 'Mötet har redan börjat och kan inte ändras.',
  'no-offer': 'Det finns ingen kallelse att svara på.',
  'offer-open': 'Kallelsen har ingen tid ännu. Välj en tid som passar dig.',
  'not-yours': 'Du kan inte ändra den här tiden.',
  unavailable: 'Vårdmötet kan inte läsas just nu. Försök igen om en stund.',
  'room-closed': 'Mötet är inte öppet just nu. Det öppnar en stund före starttiden.',
  'room-failed': 'Mötet kunde inte öppnas. Försök igen.',
};

/** The reminder channels a patient chooses between on Påminnelser. */
export const CHANNELS_SV: Record<ReminderChannels, string> = {
  both: 'SMS och e-post',
  sms: 'Bara SMS',
  mail: 'Bara e-post',
  none: 'Inga påminnelser',
};

/** What happens next; {tid} is a Stockholm time. */
export const NEXT_STEPS_SV: Record<NextStepCode, string> = {
  'answer-invitation': 'Mottagningen har kallat dig till {tid}. Tacka ja, välj en annan tid eller tacka nej.',
  'choose-time': 'Mottagningen har kallat dig. Välj en tid som passar dig.',
  eligibility: 'Vårdgivaren går igenom ditt ärende och bedömer om mötet kan ske digitalt.',
  identity: 'Bekräfta din identitet med BankID eller Freja eID+ här på Mina sidor.',
  'unit-books': 'Mottagningen bokar en tid åt dig. Du kan också välja en tid själv.',
  'room-opens': 'Mötet öppnar {tid}. Då kan du gå in i väntrummet härifrån.',
  'meeting-starts': 'Mötet börjar {tid}. En stund före kan du gå in i väntrummet härifrån.',
  'room-open': 'Mötet är öppet. Gå in i väntrummet; vårdgivaren släpper in dig.',
  'in-waiting-room': 'Du är i väntrummet. Vårdgivaren släpper in dig.',
  'in-meeting': 'Mötet pågår.',
  'journal-note': 'Vårdgivaren skriver journalanteckning om mötet.',
  journal: 'Journalanteckningen skickas till journalsystemet.',
  fee: 'Avgiften för mötet räknas fram. Blir det en avgift får du en faktura med minst 30 dagars betalningstid.',
  closed: 'Mötet är avslutat. Dina avgifter ser du under Mina avgifter.',
  cancelled: 'Tiden är avbokad. Vill du ha en ny tid, kontakta mottagningen.',
  'no-show': 'Du kom inte till mötet. En avgift för uteblivet besök tas ut.',
  referred: 'Vårdgivaren bedömer att du behöver komma till mottagningen. Du blir kontaktad om en tid.',
  'identity-failed': 'Identifieringen gick inte igenom. Kontakta mottagningen.',
};

/** Who the patient meets, as in "en tid hos en läkare". */
export const PROFESSIONS_SV: Record<Profession, string> = {
  doctor: 'läkare',
  nurse: 'sjuksköterska',
  psychologist: 'psykolog',
  physiotherapist: 'fysioterapeut',
  other: 'vårdgivare',
};

export const REGIONS_SV: Record<Region, string> = {
  stockholm: 'Region Stockholm',
  vgr: 'Västra Götalandsregionen',
};

/** What the unit reads on the timeline when the patient's side declines a kallelse (staff words). */
export const DECLINE_REASON_SV = 'Patienten tackade nej till kallelsen';

/** Fills {name} placeholders. */
export function say(text: string, params: Record<string, string> = {}): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) => params[name] ?? all);
}

/** A span of time as the patient reads it ("24 timmar", "90 minuter"). */
export function durationSv(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0) return minutes === 60 ? '1 timme' : `${minutes / 60} timmar`;
  return minutes === 1 ? '1 minut' : `${minutes} minuter`;
}
