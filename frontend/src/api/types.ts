// Short names for the schemas the app uses most (all generated from the services' OpenAPI documents).
import type { components as AppointmentComponents } from "./generated/appointment";
import type { components as AuthComponents } from "./generated/auth";
import type { components as DoctorComponents } from "./generated/doctor";
import type { components as PatientComponents } from "./generated/patient";

type AuthSchemas = AuthComponents["schemas"];
type DoctorSchemas = DoctorComponents["schemas"];
type PatientSchemas = PatientComponents["schemas"];
type AppointmentSchemas = AppointmentComponents["schemas"];

export type Me = AuthSchemas["Me"];
export type Role = "patient" | "doctor" | "admin";
export type AuthSession = AuthSchemas["Session"];
export type User = AuthSchemas["User"];

export type Doctor = DoctorSchemas["Doctor"];
export type Specialization = DoctorSchemas["Specialization"];
export type Schedule = DoctorSchemas["Schedule"];
export type TimeOff = DoctorSchemas["TimeOff"];

export type PatientProfile = PatientSchemas["PatientProfile"];

export type Appointment = AppointmentSchemas["Appointment"];
export type Slot = AppointmentSchemas["Slot"];
export type SlotList = AppointmentSchemas["SlotList"];
export type AppointmentType = DoctorSchemas["AppointmentType"];
export type Weekly = DoctorSchemas["Weekly"];
export type TimeWindow = DoctorSchemas["Window"];
