/**
 * A tenant id that came from an authenticated key (or from a row that belongs to a tenant). Repository
 * methods take one as their first argument, so a query without a tenant cannot be written by accident:
 * a plain string does not type-check.
 */
export type TenantId = string & { readonly __brand: 'TenantId' };

/** Only for ids that were read from an authenticated key or from the tenant's own rows. */
export function trustedTenantId(id: string): TenantId {
  return id as TenantId;
}
