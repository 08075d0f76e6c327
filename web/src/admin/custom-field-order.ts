import type { HandoffClient } from '../api/client.js';
import type { CustomFieldEntity } from '../api/custom-fields.js';

// Where the Move up / Move down buttons of the custom fields save their order. The API in this
// branch has no way to order custom fields (GET /custom-fields lists them in the order they were
// defined); a change to the API adds one. Until it is wired here, this is null and the console
// shows no Move buttons. Wiring it is one line, for instance (if the route is an order route):
//
//   export const saveCustomFieldOrder: SaveCustomFieldOrder | null = (client, { entity, keys, version }) =>
//     answer(client.PUT('/custom-fields/{entity}/order', { params: { path: { entity }, header: ifMatch(version) }, body: { keys } }));

export interface CustomFieldOrder {
  entity: CustomFieldEntity;
  /** Every field key of the entity, in the new order. */
  keys: string[];
  /** The definitions' version the order was read at (If-Match). */
  version: number;
}

export type SaveCustomFieldOrder = (client: HandoffClient, order: CustomFieldOrder) => Promise<unknown>;

export const saveCustomFieldOrder = null as SaveCustomFieldOrder | null;
