/** Socialstyrelsen's four principles for digital care, asked as yes/no questions (RULES.md §6). */
import { InvalidInputError } from './errors';

export interface EligibilityAnswers {
  /** 1. Can the condition be handled without a physical meeting? */
  withoutPhysicalMeeting: boolean;
  /** 2. Does the digital service suit this patient's needs and ability? */
  suitsPatient: boolean;
  /** 3. Is there enough information about the patient's health and history? */
  enoughInformation: boolean;
  /** 4. Can follow-up and coordination with other actors be carried out? */
  followUpPossible: boolean;
}

export interface EligibilityResult {
  eligible: boolean;
  reasons: string[];
}

/** The four questions in order, with the reason recorded when the answer is no. */
export const ELIGIBILITY_QUESTIONS: ReadonlyArray<{ key: keyof EligibilityAnswers; question: string; whenNo: string }> =
  [
    {
      key: 'withoutPhysicalMeeting',
      question: 'Kan tillståndet hanteras utan fysiskt möte?',
      whenNo: 'withoutPhysicalMeeting: the condition needs a physical meeting',
    },
    {
      key: 'suitsPatient',
      question: 'Passar den digitala tjänsten patientens behov och förmåga?',
      whenNo: "suitsPatient: a digital meeting does not suit the patient's needs or ability",
    },
    {
      key: 'enoughInformation',
      question: 'Finns tillräcklig information om patientens hälsotillstånd och sjukhistoria?',
      whenNo: "enoughInformation: not enough information about the patient's health and history",
    },
    {
      key: 'followUpPossible',
      question: 'Kan nödvändig uppföljning och samordning genomföras?',
      whenNo: 'followUpPossible: follow-up or coordination cannot be carried out',
    },
  ];

/**
 * Eligible only when all four answers are yes; every no gives a reason.
 * @throws InvalidInputError naming the first answer that is not a boolean
 */
export function assessEligibility(answers: EligibilityAnswers): EligibilityResult {
  if (answers === null || typeof answers !== 'object')
    throw new InvalidInputError('answers must be an object', 'format', 'answers');
  const reasons: string[] = [];
  for (const q of ELIGIBILITY_QUESTIONS) {
    const a: unknown = answers[q.key];
    if (typeof a !== 'boolean') throw new InvalidInputError(`${q.key} must be true or false`, 'format', q.key);
    if (!a) reasons.push(q.whenNo);
  }
  return { eligible: reasons.length === 0, reasons };
}

/** The four answer keys in order, derived from the questions. */
export const ELIGIBILITY_KEYS: ReadonlyArray<keyof EligibilityAnswers> = ELIGIBILITY_QUESTIONS.map((q) => q.key);

/** Every question answered the same way (all yes: eligible). */
export const answerAll = (value: boolean): EligibilityAnswers =>
  Object.fromEntries(ELIGIBILITY_KEYS.map((k) => [k, value])) as unknown as EligibilityAnswers;
