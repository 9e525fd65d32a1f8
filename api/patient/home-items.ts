/**
 * What Mina sidor's list shows of each meeting besides its row (issue 28): what happens next and when,
 * whether the room is open to join, and a kallelse to answer, from the live state; from the row alone
 * when the meeting has ended or its workflow cannot be asked.
 */
import type { Client } from '@temporalio/client';
import type { EncounterRow } from '../../db/encounters';
import { stockholmTime } from '../../domain/format';
import { nextStep, pendingOffer, type Offer } from '../../domain/patient-actions';
import * as m from '../../workflows/encounter.messages';
import { liveState } from '../encounters/service';
import { nextStepText, roomOpen } from './meeting-page';
import type { Lang } from '../../domain/i18n';
import { nextStepSentence } from './texts';

export interface HomeExtra {
  next: string;
  canJoin: boolean;
  offer: Offer | null;
}

/** Each listed meeting's extras by encounter id; the live ones' states are asked for together. */
export async function homeExtras(
  temporal: Client,
  rows: EncounterRow[],
  lang: Lang = 'sv',
): Promise<Map<string, HomeExtra>> {
  const out = new Map<string, HomeExtra>();
  await Promise.all(
    rows.map(async (row) => {
      const status = row.status as m.EncounterStatus;
      const state = m.isTerminal(status) ? null : await liveState(temporal, row.workflowId);
      if (state) {
        out.set(row.id, { next: nextStepText(state, lang), canJoin: roomOpen(state), offer: pendingOffer(state) });
        return;
      }
      const next = nextStep({
        status,
        waitingFor: row.waitingFor,
        startsAt: row.scheduledStart,
        roomOpensAt: null,
        offer: null,
      });
      out.set(row.id, {
        next: nextStepSentence(lang, next.code, stockholmTime(next.at, lang)),
        canJoin: false,
        offer: null,
      });
    }),
  );
  return out;
}
