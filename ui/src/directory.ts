// The directory of partner organizations and the referrals made to them: the lists the forms
// offer, whether an entry needs checking again, and the names a referral or task points at.

import { api, toAppError } from "./api";
import type { DirectoryOrganization, OrganizationKind, ReferralStatus } from "./api";
import { fromIsoDate } from "./caseFile";

export const ORGANIZATION_KINDS: OrganizationKind[] = ["public_body", "non_profit", "community", "private_company"];
export const REFERRAL_STATUSES: ReferralStatus[] = ["proposed", "sent", "accepted", "attended", "completed", "declined", "no_show"];
/** Nothing more will happen after these (the core generates no follow-up for them). */
export const CLOSED_REFERRAL_STATUSES: readonly ReferralStatus[] = ["completed", "declined", "no_show"];

/** Whether an entry was checked: never, more than a year before `today`, or recently. */
export type Verification = "never" | "stale" | "recent";

export function verification(verifiedOn: string | null | undefined, today: string): Verification {
  const checked = fromIsoDate(verifiedOn);
  if (!checked) return "never";
  const yearAgo = fromIsoDate(today);
  if (!yearAgo) return "recent";
  yearAgo.setFullYear(yearAgo.getFullYear() - 1);
  return checked < yearAgo ? "stale" : "recent";
}

/** Most organizations one page of the directory can hold (the core's own cap). */
const PAGE = 200;

/** The whole directory, organization id → entry, read page by page. */
export async function loadDirectoryIndex(): Promise<Map<string, DirectoryOrganization>> {
  const index = new Map<string, DirectoryOrganization>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.directorySearch({ text: null, category: null, department: null, acceptsRecords: false, limit: PAGE, offset });
    for (const entry of page.items) index.set(entry.id, entry);
    if (page.items.length < PAGE || offset + PAGE >= page.total) break;
  }
  return index;
}

/**
 * The organizations with these ids, for naming what a woman's referrals point at; one deleted
 * from the directory since is left out.
 */
export async function loadOrganizations(ids: Iterable<string>): Promise<Map<string, DirectoryOrganization>> {
  const found = await Promise.all(
    [...new Set(ids)].map(async (id) => {
      try {
        return await api.directoryGet(id);
      } catch (caught) {
        if (toAppError(caught).code === "not_found") return null;
        throw caught;
      }
    }),
  );
  return new Map(found.filter((entry) => entry !== null).map((entry) => [entry.id, entry]));
}

/** An organization's name and, when given, the service's: "Casa Refugio · Albergue temporal". */
export function referralTarget(
  index: ReadonlyMap<string, DirectoryOrganization>,
  organizationId: string,
  serviceId: string | null | undefined,
): { organization: string | null; service: string | null } {
  const entry = index.get(organizationId);
  const service = serviceId ? (entry?.services.find((candidate) => candidate.id === serviceId)?.service.name ?? null) : null;
  return { organization: entry?.organization.name ?? null, service };
}
