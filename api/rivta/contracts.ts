/** The crm:scheduling 1.1 contracts this producer answers, by the local name of their request element. */
import { cancelBooking, getBookingDetails, getSubjectOfCareSchedule, makeBooking, updateBooking } from './booking';
import * as s from './scheduling';

export const CONTRACTS: Record<string, s.ContractHandler> = {
  GetAllHealthcareFacilities: s.getAllHealthcareFacilities,
  GetAllPerformers: s.getAllPerformers,
  GetAllTimeTypes: s.getAllTimeTypes,
  GetAllCareTypes: s.getAllCareTypes,
  GetAvailableDates: s.getAvailableDates,
  GetAvailableTimeslots: s.getAvailableTimeslots,
  MakeBooking: makeBooking,
  GetBookingDetails: getBookingDetails,
  CancelBooking: cancelBooking,
  UpdateBooking: updateBooking,
  GetSubjectOfCareSchedule: getSubjectOfCareSchedule,
};
