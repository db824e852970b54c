// Generated from Appointment-MS's OpenAPI document by `make api-types`. Do not edit.

export interface paths {
    "/api/v1/appointments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List appointments: a patient's own, a doctor's agenda, or (admins) anyone's. */
        get: {
            parameters: {
                query?: {
                    page?: number;
                    page_size?: number;
                    scope?: "upcoming" | "past" | "all";
                    from?: string;
                    to?: string;
                    doctor_id?: string;
                    patient_id?: string;
                    status?: "held" | "booked" | "cancelled" | "completed" | "expired" | "rescheduled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AppointmentPage"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Book a free slot (send an Idempotency-Key so a retry cannot book twice). */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any unique string (a UUID): a retry with the same key and body gets the first answer. */
                    "Idempotency-Key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Booking"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Signed in, but not allowed. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description The slot was just taken, or the state forbids it. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Keep a free slot for a few minutes (status held) while you confirm. */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any unique string (a UUID): a retry with the same key and body gets the first answer. */
                    "Idempotency-Key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Booking"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Signed in, but not allowed. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description The slot was just taken, or the state forbids it. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/holds/{hold_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hold_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Give a held slot back. */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    hold_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Signed in, but not allowed. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such appointment, or not yours to see. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/holds/{hold_id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hold_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn your hold into a booking (409 when it has expired). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    hold_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ConfirmHold"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Signed in, but not allowed. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such appointment, or not yours to see. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description The slot was just taken, or the state forbids it. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/{appointment_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appointment_id: string;
            };
            cookie?: never;
        };
        /** One appointment: for its patient, its doctor or an admin. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    appointment_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such appointment, or not yours to see. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/{appointment_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appointment_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an upcoming appointment (its patient, its doctor or an admin); the slot is free again. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    appointment_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Cancel"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such appointment, or not yours to see. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description The slot was just taken, or the state forbids it. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/appointments/{appointment_id}/reschedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appointment_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move an appointment to another free start with the same doctor, atomically; returns the new one. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    appointment_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Reschedule"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Appointment"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such appointment, or not yours to see. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description The slot was just taken, or the state forbids it. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/slots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Find the best free slots of a specialization or of one doctor, best first. */
        get: {
            parameters: {
                query?: {
                    specialization?: string;
                    doctor_id?: string;
                    /** @description Earliest start (default: now). */
                    from?: string;
                    /** @description Latest start (default: the booking horizon). */
                    to?: string;
                    duration_minutes?: number;
                    appointment_type?: string;
                    /** @description In the doctor's local time: morning < 12:00 <= afternoon < 17:00 <= evening. */
                    time_of_day?: "morning" | "afternoon" | "evening";
                    language?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SlotList"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/slots/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Keep a free slot for a few minutes before signing in; confirm it with the claim token after. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["GuestHoldRequest"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GuestHold"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many requests; `Retry-After` says when to try again. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/slots/holds/{hold_id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hold_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a slot kept before signing in back (with its claim token). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    hold_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ClaimToken"];
                };
            };
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/slots/next": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The single best free slot ("next cardiology slot, please"); 404 when none is left. */
        get: {
            parameters: {
                query?: {
                    specialization?: string;
                    doctor_id?: string;
                    /** @description Earliest start (default: now). */
                    from?: string;
                    /** @description Latest start (default: the booking horizon). */
                    to?: string;
                    duration_minutes?: number;
                    appointment_type?: string;
                    /** @description In the doctor's local time: morning < 12:00 <= afternoon < 17:00 <= evening. */
                    time_of_day?: "morning" | "afternoon" | "evening";
                    language?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Slot"];
                    };
                };
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid input; `errors` names each field. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/system": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The platform at a glance: each service's readiness, the replicas' load, today's bookings (UTC).
         * @description Always 200 while this replica runs: a service that is down is reported as not ready, and what
         *     could not be read (Redis, PostgreSQL) is null with a `detail` saying why.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SystemStatus"];
                    };
                };
                /** @description Not signed in. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Signed in, but not allowed. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/relationships": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 204 when the doctor (by account id) has or had an appointment with the patient, else 404. */
        get: {
            parameters: {
                query: {
                    doctor_user_id: string;
                    patient_id: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Appointment: {
            readonly appointment_type?: string;
            readonly cancel_reason?: string | null;
            /** Format: date-time */
            readonly cancelled_at?: string | null;
            readonly cancelled_by_role?: string | null;
            /** Format: date-time */
            readonly created_at?: string | null;
            /** Format: uuid */
            readonly doctor_id?: string;
            readonly duration_minutes?: number;
            /** Format: date-time */
            readonly end?: string;
            /** Format: date-time */
            readonly hold_expires_at?: string | null;
            /** Format: uuid */
            readonly id?: string;
            /** Format: uuid */
            readonly patient_id?: string;
            readonly reason?: string;
            /** Format: uuid */
            readonly rescheduled_from?: string | null;
            /** Format: uuid */
            readonly rescheduled_to?: string | null;
            readonly specialization?: string;
            /** Format: date-time */
            readonly start?: string;
            readonly status?: string;
        };
        AppointmentPage: {
            items: components["schemas"]["Appointment"][];
            page: number;
            page_size: number;
            total: number;
        };
        Booking: {
            appointment_type?: string;
            /** Format: uuid */
            doctor_id: string;
            duration_minutes?: number;
            /** @default  */
            reason: string;
            /**
             * Format: date-time
             * @description A start the slot finder offers.
             */
            start: string;
        };
        BookingsToday: {
            /** @description Appointments booked (created) between from and to: booked at once or a confirmed hold, counted even if cancelled since; an unconfirmed hold or the new half of a reschedule is not. */
            created_today?: number | null;
            /**
             * Format: date
             * @description Today as a UTC calendar day.
             */
            day: string;
            /** @description Why the bookings could not be counted. */
            detail?: string | null;
            /**
             * Format: date-time
             * @example 2026-05-04T00:00:00+00:00
             */
            from: string;
            /** @description Booked or completed appointments that start between from and to. */
            starting_today?: number | null;
            /**
             * Format: date-time
             * @example 2026-05-05T00:00:00+00:00
             */
            to: string;
        };
        Cancel: {
            /** @default  */
            reason: string;
        };
        ClaimToken: {
            claim_token: string;
        };
        ConfirmHold: {
            /** @description The token of a hold made before signing in (POST /api/v1/slots/holds). */
            claim_token?: string;
            reason?: string;
        };
        Error: {
            /** @description Error code */
            code?: number;
            /** @description Errors */
            errors?: {
                [key: string]: unknown;
            };
            /** @description Error message */
            message?: string;
            /** @description Error name */
            status?: string;
        };
        GuestHold: {
            readonly appointment_type?: string;
            /** @description Shown once. Send it to POST /api/v1/appointments/holds/{id}/confirm. */
            readonly claim_token?: string;
            /** Format: uuid */
            readonly doctor_id?: string;
            readonly duration_minutes?: number;
            /** Format: date-time */
            readonly end?: string;
            /** Format: date-time */
            readonly hold_expires_at?: string;
            /** Format: uuid */
            readonly id?: string;
            readonly specialization?: string;
            /** Format: date-time */
            readonly start?: string;
            readonly status?: string;
        };
        GuestHoldRequest: {
            appointment_type?: string;
            /** Format: uuid */
            doctor_id: string;
            duration_minutes?: number;
            /**
             * Format: date-time
             * @description A start the slot finder offers.
             */
            start: string;
        };
        PaginationMetadata: {
            /** @description First available page number. */
            first_page?: number;
            /** @description Last available page number. */
            last_page?: number;
            /** @description Next page number. */
            next_page?: number;
            /** @description Current page number. */
            page?: number;
            /** @description Previous page number. */
            previous_page?: number;
            /** @description Total number of items. */
            total?: number;
            /** @description Total number of pages. */
            total_pages?: number;
        };
        Problem: {
            detail?: string;
            errors?: {
                [key: string]: string[];
            };
            status?: number;
            title?: string;
            type?: string;
        };
        Replica: {
            /** @example 127.0.0.1:5104 */
            address: string;
            /**
             * Format: date-time
             * @description Its latest heartbeat.
             */
            last_seen_at: string;
            /** @description Median time to answer over the last 60 s, at most 9% high; null: no requests. */
            latency_p50_ms?: number | null;
            /** @description 95th percentile over the last 60 s, at most 9% high. */
            latency_p95_ms?: number | null;
            /**
             * @description INSTANCE_NAME
             * @example appointment-2
             */
            name: string;
            /** @description API requests answered in the last 60 s (health probes and metrics scrapes are not counted). */
            requests_last_minute: number;
            /** @description Over the last 60 s (or since the replica started, if that is sooner). */
            requests_per_second: number;
            /**
             * Format: date-time
             * @description When its oldest worker started.
             */
            started_at: string;
            /** @description gunicorn workers heard from. */
            workers: number;
        };
        ReplicaReport: {
            /** @description Running replicas; null when the registry could not be read. */
            count?: number | null;
            /** @description Why the replicas could not be listed. */
            detail?: string | null;
            items: components["schemas"]["Replica"][];
            /** @example 60 */
            window_seconds: number;
        };
        Reschedule: {
            appointment_type?: string;
            duration_minutes?: number;
            /** Format: date-time */
            start: string;
        };
        ServiceHealth: {
            /**
             * @description The readiness checks as /readyz reports them (database, redis, migrations, ...).
             * @example {
             *       "database": {
             *         "status": "ok"
             *       },
             *       "redis": {
             *         "status": "ok"
             *       }
             *     }
             */
            checks?: {
                [key: string]: unknown;
            };
            /** @description Why the service is not ready. */
            detail?: string | null;
            /** @example doctor */
            name: string;
            /** @description /readyz answered 200 with status ok. */
            ready: boolean;
            /** @description How long the probe of /readyz took (up to its 1 s timeout). */
            response_time_ms: number;
            /** @description The HTTP status of /readyz; null when nothing answered. */
            status_code?: number | null;
        };
        Slot: {
            appointment_type: string;
            appointment_type_name?: string;
            clinic?: string;
            /** Format: uuid */
            doctor_id: string;
            /**
             * Format: date-time
             * @description The start in the doctor's time zone.
             */
            doctor_local_start?: string;
            doctor_name: string;
            /** @example Europe/Berlin */
            doctor_time_zone: string;
            duration_minutes: number;
            /** Format: date-time */
            end: string;
            languages?: string[];
            location?: string;
            /** @example earliest free cardiology slot; Dr. Emma Fischer is less booked this week (31% vs 58%) */
            rank_reason: string;
            specialization?: string | null;
            /**
             * Format: date-time
             * @example 2026-12-02T08:00:00Z
             */
            start: string;
        };
        SlotList: {
            items: components["schemas"]["Slot"][];
        };
        SystemStatus: {
            /** @description Every service is ready. */
            all_ready: boolean;
            /** @description The replica that made this report. */
            answered_by: string;
            bookings_today: components["schemas"]["BookingsToday"];
            /** Format: date-time */
            generated_at: string;
            /** @description The Appointment-MS replicas, as their heartbeats in Redis announce them. */
            replicas: components["schemas"]["ReplicaReport"];
            /** @description auth, patient, doctor and appointment (the replica answering), in that order. */
            services: components["schemas"]["ServiceHealth"][];
        };
    };
    responses: {
        /** @description Default error response */
        DEFAULT_ERROR: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unprocessable Entity */
        UNPROCESSABLE_ENTITY: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
