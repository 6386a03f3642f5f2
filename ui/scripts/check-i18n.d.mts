/** Problems found in the locale catalogs and their use in src (empty when all is well). */
export function checkI18n(root: string): string[];
export function flatten(messages: Record<string, unknown>): Map<string, unknown>;
export function unionMembers(source: string, typeName: string): string[] | null;
