// The areas of the main window, Hoy first (the one shown after signing in). Those marked
// comingSoon arrive in later versions; they already have their place so people learn where
// things will be. `roles` says who sees an area in the navigation (the core refuses the
// others anyway): everyone, coordinators and administrators, or administrators only. The
// `reports` area is Resúmenes (anonymized summaries), for coordinators and administrators;
// `about` (Acerca de: version, licence, where the data lives) and `help` (Ayuda: the staff
// guide) are for everyone.

import type { Role } from "./api";

export type AreaId =
  | "today"
  | "participants"
  | "referrals"
  | "reports"
  | "sync"
  | "staff"
  | "rights"
  | "audit"
  | "settings"
  | "password"
  | "about"
  | "help";

export interface Area {
  id: AreaId;
  icon: string;
  group: "work" | "organization" | "account";
  comingSoon: boolean;
  /** Who sees it. */
  roles: readonly Role[];
}

const EVERYONE: readonly Role[] = ["caseworker", "coordinator", "admin"];
const COORDINATION: readonly Role[] = ["coordinator", "admin"];
const ADMINS: readonly Role[] = ["admin"];

export const AREAS: readonly Area[] = [
  { id: "today", icon: "pi pi-calendar", group: "work", comingSoon: false, roles: EVERYONE },
  { id: "participants", icon: "pi pi-id-card", group: "work", comingSoon: false, roles: EVERYONE },
  { id: "referrals", icon: "pi pi-directions", group: "work", comingSoon: false, roles: EVERYONE },
  { id: "reports", icon: "pi pi-chart-bar", group: "work", comingSoon: false, roles: COORDINATION },
  { id: "sync", icon: "pi pi-sync", group: "work", comingSoon: false, roles: EVERYONE },
  { id: "staff", icon: "pi pi-users", group: "organization", comingSoon: false, roles: EVERYONE },
  { id: "rights", icon: "pi pi-shield", group: "organization", comingSoon: false, roles: COORDINATION },
  { id: "audit", icon: "pi pi-history", group: "organization", comingSoon: false, roles: ADMINS },
  { id: "settings", icon: "pi pi-cog", group: "organization", comingSoon: false, roles: ADMINS },
  { id: "password", icon: "pi pi-key", group: "account", comingSoon: false, roles: EVERYONE },
  { id: "about", icon: "pi pi-info-circle", group: "account", comingSoon: false, roles: EVERYONE },
  { id: "help", icon: "pi pi-question-circle", group: "account", comingSoon: false, roles: EVERYONE },
];

/** Whether someone with this role sees the area (and may open it). */
export function mayOpen(area: Area | AreaId, role: Role): boolean {
  const found = typeof area === "string" ? AREAS.find((candidate) => candidate.id === area) : area;
  return found !== undefined && found.roles.includes(role);
}

export const NAV_TESTIDS: Record<AreaId, string> = {
  today: "nav-today",
  participants: "nav-participants",
  referrals: "nav-referrals",
  reports: "nav-reports",
  sync: "nav-sync",
  staff: "nav-staff",
  rights: "nav-rights",
  audit: "nav-audit",
  settings: "nav-settings",
  password: "nav-password",
  about: "nav-about",
  help: "nav-help",
};
