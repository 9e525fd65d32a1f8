/** Every activity the encounter workflow calls, built from its dependencies. */
import type { Orm } from '../../db/orm';
import type { VideoRooms } from '../../media/rooms';
import { createMailActivities, Mailer } from '../mail';
import { createBookingActivities } from './booking';
import { createEngagementIndexActivities, type EngagementIndexDeps } from '../engagement-index';
import { createJournalActivities, type JournalPort } from '../journal';
import { createFeeActivities } from './fees';
import type { ActivityFaults } from '../faults';
import { createRecordActivities } from './records';
import { createReminderActivities, type ReminderActivityDeps } from '../reminders';
import { createVideoActivities } from './video';
import { createParticipantActivities } from './participants';
import type { WorkerMetrics } from '../../observability/metrics';

export interface EncounterActivityDeps {
  orm: Orm;
  mailer: Mailer;
  rooms: VideoRooms;
  faults?: ActivityFaults;
  /** Step durations for the worker's /metrics; absent in tests that do not look. */
  metrics?: Pick<WorkerMetrics, 'encounterProjected'>;
  engagementIndex?: EngagementIndexDeps['engagementIndex'];
  /** The region's journal system; absent: every signed note is for its clinician to enter by hand. */
  journal?: JournalPort;
  /** The SMS gateway for reminders; absent or null: SMS rows are only kept in the Utkorg. */
  sms?: ReminderActivityDeps['sms'];
  /** The web's public address, for the links in reminders. */
  publicUrl?: string;
}

export function createEncounterActivities(deps: EncounterActivityDeps) {
  return {
    ...createBookingActivities(deps),
    ...createEngagementIndexActivities(deps),
    ...createFeeActivities(deps),
    ...createRecordActivities(deps),
    ...createVideoActivities(deps),
    ...createMailActivities(deps),
    ...createJournalActivities(deps),
    ...createReminderActivities(deps),
    ...createParticipantActivities(deps),
  };
}

export type EncounterActivities = ReturnType<typeof createEncounterActivities>;
