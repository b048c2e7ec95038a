// The registration modes and invite lifetimes, shared by the admin page (its
// form) and the server (which checks what the form sends).
export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** How long a new invite link works, in days. */
export const INVITE_LIFETIMES_DAYS = [1, 7, 30] as const;
