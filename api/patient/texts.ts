/**
 * The words of Mina sidor that code chooses rather than a template (notices after an action, refusals,
 * what happens next, the names the fee rules use), read from the catalogues of domain/locales in the
 * reader's language (issue 28).
 */
import type { NextStepCode } from '../../domain/patient-actions';
import type { MoveRefusal } from '../../domain/patient-actions';
import type { Profession, Region, ReminderChannels } from '../../db/entities';
import { isLang, tr, type Lang } from '../../domain/i18n';
import { sv } from '../../domain/locales/sv';
import { localeOf } from '../../domain/format';

/** Why a move, a first choice or an answer to a kallelse was refused (the catalogue's `refusal` keys). */
export type RefusalCode = keyof typeof sv.refusal;

// Every code the domain can give has its text (a compile-time check; en.ts has the same keys).
void (sv.refusal satisfies Record<MoveRefusal, string>);
void (sv.next satisfies Record<NextStepCode, string>);
void (sv.reminders.channel satisfies Record<ReminderChannels, string>);
void (sv.profession satisfies Record<Profession, string>);
void (sv.region satisfies Record<Region, string>);

/** The notice for a `klart` key from the address, or null for anything else. */
export const noticeFor = (key: unknown, lang: Lang = 'sv'): string | null =>
  typeof key === 'string' && Object.hasOwn(sv.notice, key) ? tr(lang, `notice.${key}`) : null;

/** A refusal in the reader's words; {mottagning} and {yrke} are filled in. */
export const refusalText = (lang: Lang, code: RefusalCode, params: { mottagning?: string; yrke?: string } = {}) =>
  tr(lang, `refusal.${code}`, params);

/** What happens next; {tid} is a Stockholm time. */
export const nextStepSentence = (lang: Lang, code: NextStepCode, tid: string) => tr(lang, `next.${code}`, { tid });

/** The reminder channels a patient chooses between on Påminnelser. */
export const channelLabel = (lang: Lang, c: ReminderChannels) => tr(lang, `reminders.channel.${c}`);

/** Who the patient meets, as in "en tid hos en läkare". */
export const professionName = (lang: Lang, p: Profession) => tr(lang, `profession.${p}`);

export const regionName = (lang: Lang, r: Region) => tr(lang, `region.${r}`);

/** The encounter's status as the patient reads it. */
export const statusText = (lang: Lang, status: string) =>
  Object.hasOwn(sv.status, status) ? tr(lang, `status.${status}`) : status;

/** The meeting page's sentences its script writes (media/browser/meeting.ts), in the page's language. */
export const meetingTexts = (lang: Lang) => ({
  locale: localeOf(lang),
  texts: {
    endedClose: tr(lang, 'meet.endedClose'),
    roomOpensAt: tr(lang, 'meet.roomOpensAt'),
    roomNotOpen: tr(lang, 'meet.roomNotOpen'),
    inWaitingRoom: tr(lang, 'meet.inWaitingRoom'),
    inMeeting: tr(lang, 'meet.inMeeting'),
    left: tr(lang, 'meet.left'),
    failed: tr(lang, 'meet.failed'),
  },
  // Under each video: the person's role in the page's language (issue 26).
  roles: {
    patient: tr(lang, 'meet.roles.patient'),
    clinician: tr(lang, 'meet.roles.clinician'),
    interpreter: tr(lang, 'meet.roles.interpreter'),
    relative: tr(lang, 'meet.roles.relative'),
    colleague: tr(lang, 'meet.roles.colleague'),
  },
});

/**
 * A refused meeting link's page in another language than Swedish, by the refusal's reason; null for
 * Swedish (the caller's own words, domain/labels.ts) and for reasons only staff meet.
 */
export function refusalPageText(lang: unknown, reason: string): { title: string; message: string } | null {
  if (!isLang(lang) || lang === 'sv') return null;
  if (Object.hasOwn(sv.refused.proxy, reason))
    return { title: tr(lang, 'refused.proxyTitle'), message: tr(lang, `refused.proxy.${reason}`) };
  if (reason !== 'proxy' && reason !== 'proxyTitle' && Object.hasOwn(sv.refused, reason))
    return { title: tr(lang, `refused.${reason}.title`), message: tr(lang, `refused.${reason}.message`) };
  return null;
}

/** What the unit reads on the timeline when the patient's side declines a kallelse (staff words). */
export const DECLINE_REASON_SV = 'Patienten tackade nej till kallelsen';

/** A span of time as the patient reads it ("24 timmar", "90 minuter"; "24 hours"). */
export function duration(ms: number, lang: Lang = 'sv'): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0)
    return minutes === 60 ? tr(lang, 'duration.hour') : tr(lang, 'duration.hours', { n: minutes / 60 });
  return minutes === 1 ? tr(lang, 'duration.minute') : tr(lang, 'duration.minutes', { n: minutes });
}
