import { Control } from 'ldapts';

/** LDAP_SERVER_SHOW_DELETED_OID: search results include deleted objects (tombstones) too. */
export const SHOW_DELETED_OID = '1.2.840.113556.1.4.417';

/** Active Directory's Show Deleted control (MS-ADTS 3.1.1.3.4.1.14); it has no value. Critical: without it the search would silently find nothing. */
export class ShowDeletedControl extends Control {
  constructor() {
    super(SHOW_DELETED_OID, { critical: true });
  }
}
