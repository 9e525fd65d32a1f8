/** The encounter's engagement-index push: one Update per new, moved or cancelled booking, retried until the index takes it. */
import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import type { Config } from '../../config';
import type { Orm } from '../../db/orm';
import { findCareUnit } from '../../db/care';
import { findPatient } from '../../db/people';
import { engagementOf, type Publisher } from '../../domain/engagement';
import { businessFailure } from '../errors';
import { createEngagementIndexClient, InvalidEngagementError, type EngagementIndex } from './client';

export { createEngagementIndexClient, type EngagementIndex } from './client';

/**
 * The worker's engagement index from the configuration (its certificates read once), or undefined.
 * @param config - the loaded configuration
 */
export function engagementIndexFrom(config: Pick<Config, 'engagementIndex'>): EngagementIndexDeps['engagementIndex'] {
  const c = config.engagementIndex;
  if (!c) return undefined;
  const tls = { cert: fs.readFileSync(c.certPath), key: fs.readFileSync(c.keyPath), ca: fs.readFileSync(c.caPath) };
  return {
    index: createEngagementIndexClient({ url: c.url, logicalAddress: c.logicalAddress, tls }),
    publisher: { sourceSystem: c.sourceSystem, dataController: c.dataController },
  };
}

export interface EngagementIndexDeps {
  orm: Orm;
  /** The index and who we are to it; absent: nothing is pushed (an encounter test that does not look). */
  engagementIndex?: { index: EngagementIndex; publisher: Publisher };
}

export interface EngagementIndexInput {
  bookingId: string;
  patientId: string;
  careUnitId: string;
  /** The booking's start; with `deleted` the start of the time given back; null for an open kallelse. */
  startsAt: string | null;
  deleted: boolean;
  /** A kallelse the patient has not booked yet (category Invitation), sent on `invitedOn`. */
  invitation?: boolean;
  invitedOn?: string;
  /** The kallelse became this booking: its Invitation entry is removed in the same Update. */
  retireInvitation?: boolean;
}

export function createEngagementIndexActivities({ orm, engagementIndex }: EngagementIndexDeps) {
  return {
    /**
     * Tells the engagement index the booking's present state. Idempotent: every identifying attribute
     * comes from the booking id, so a retry (or a second worker's attempt) updates the same entry.
     */
    async updateEngagementIndex(input: EngagementIndexInput): Promise<{ sent: boolean }> {
      if (!engagementIndex) return { sent: false };
      const em = orm.em.fork();
      const patient = await findPatient(em, input.patientId);
      const unit = await findCareUnit(em, input.careUnitId);
      if (!patient || !unit) throw businessFailure('NotFound', `patient or care unit of ${input.bookingId} is gone`);
      const facts = {
        bookingId: input.bookingId,
        personnummer: patient.personnummer,
        unitHsaId: unit.hsaId,
        startsAt: input.startsAt,
        invitedOn: input.invitedOn,
        invitation: input.invitation ?? false,
        deleted: input.deleted,
      };
      const txs = [engagementOf(facts, engagementIndex.publisher)];
      if (input.retireInvitation)
        txs.unshift(engagementOf({ ...facts, invitation: true, deleted: true }, engagementIndex.publisher));
      try {
        await engagementIndex.index.update(txs);
      } catch (err) {
        if (err instanceof InvalidEngagementError)
          throw ApplicationFailure.nonRetryable(err.message, 'InvalidEngagement');
        throw err;
      }
      return { sent: true };
    },
  };
}
