/** Mina sidor's words: placeholders filled, spans of time read naturally, in both languages. */
import { duration, nextStepSentence, noticeFor, refusalText } from './texts';

it('fills the placeholders it is given', () => {
  expect(refusalText('sv', 'slot-other-unit', { mottagning: 'Södermalm' })).toBe(
    'Tiden hör till en annan mottagning. Du kan bara välja en tid hos Södermalm.',
  );
  expect(refusalText('en', 'slot-other-unit', { mottagning: 'Södermalm' })).toBe(
    'That time belongs to another clinic. You can only choose a time at Södermalm.',
  );
  expect(nextStepSentence('en', 'room-opens', '14:50')).toBe(
    'The meeting opens 14:50. Then you can enter the waiting room from here.',
  );
});

it('reads a span of time as a patient would', () => {
  expect(duration(24 * 3600_000)).toBe('24 timmar');
  expect(duration(3600_000)).toBe('1 timme');
  expect(duration(90 * 60_000)).toBe('90 minuter');
  expect(duration(60_000)).toBe('1 minut');
  expect(duration(24 * 3600_000, 'en')).toBe('24 hours');
  expect(duration(120_000, 'en')).toBe('2 minutes');
});

it('knows only its own notices', () => {
  expect(noticeFor('flyttad')).toBe('Tiden är flyttad. Din nya tid står nedan.');
  expect(noticeFor('flyttad', 'en')).toBe('The time has been moved. Your new time is shown below.');
  expect(noticeFor('toString')).toBeNull();
  expect(noticeFor(['flyttad'])).toBeNull();
});
