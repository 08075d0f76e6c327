import type { HandoffClient } from '../api/client.js';
import type { CustomFieldEntity } from '../api/custom-fields.js';

// Where the Move up / Move down buttons of the custom fields save a field's place. The API in
// this branch has no way to order custom fields (GET /custom-fields lists them in the order they
// were defined); a change to the API adds `position` to PATCH /custom-fields/{entity}/{key}.
// Until it is wired here this is null, and the console shows no Move buttons. Once the typed
// client has `position` (npm run docs), wiring it is this one line (with `answer` and `ifMatch`
// imported from '../api/client.js'):
//
//   export const moveCustomField: MoveCustomField | null = (client, { entity, key, position, version }) =>
//     answer(client.PATCH('/custom-fields/{entity}/{key}', { params: { path: { entity, key }, header: ifMatch(version) }, body: { position } }));

export interface CustomFieldMove {
  entity: CustomFieldEntity;
  key: string;
  /** The field's new place among its entity's fields, 0 first. */
  position: number;
  /** The definitions' version the order was read at (If-Match). */
  version: number;
}

export type MoveCustomField = (client: HandoffClient, move: CustomFieldMove) => Promise<unknown>;

export const moveCustomField = null as MoveCustomField | null;
