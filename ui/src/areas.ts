// The areas of the main window, Hoy first (the one shown after signing in). Those marked
// comingSoon arrive in later versions; they already have their place so people learn where
// things will be.

export type AreaId =
  | "today"
  | "participants"
  | "referrals"
  | "reports"
  | "sync"
  | "staff"
  | "audit"
  | "settings"
  | "password";

export interface Area {
  id: AreaId;
  icon: string;
  group: "work" | "organization" | "account";
  comingSoon: boolean;
  adminOnly: boolean;
}

export const AREAS: readonly Area[] = [
  { id: "today", icon: "pi pi-calendar", group: "work", comingSoon: false, adminOnly: false },
  { id: "participants", icon: "pi pi-id-card", group: "work", comingSoon: false, adminOnly: false },
  { id: "referrals", icon: "pi pi-directions", group: "work", comingSoon: false, adminOnly: false },
  { id: "reports", icon: "pi pi-chart-bar", group: "work", comingSoon: true, adminOnly: false },
  { id: "sync", icon: "pi pi-sync", group: "work", comingSoon: false, adminOnly: false },
  { id: "staff", icon: "pi pi-users", group: "organization", comingSoon: false, adminOnly: false },
  { id: "audit", icon: "pi pi-history", group: "organization", comingSoon: false, adminOnly: true },
  { id: "settings", icon: "pi pi-cog", group: "organization", comingSoon: false, adminOnly: true },
  { id: "password", icon: "pi pi-key", group: "account", comingSoon: false, adminOnly: false },
];

export const NAV_TESTIDS: Record<AreaId, string> = {
  today: "nav-today",
  participants: "nav-participants",
  referrals: "nav-referrals",
  reports: "nav-reports",
  sync: "nav-sync",
  staff: "nav-staff",
  audit: "nav-audit",
  settings: "nav-settings",
  password: "nav-password",
};
