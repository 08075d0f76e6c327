import { answer, type HandoffClient, ifMatch } from '../api/client.js';
import type { CustomFieldEntity } from '../api/custom-fields.js';

// Where the Move up / Move down buttons of the custom fields save a field's place: PATCH
// /custom-fields/{entity}/{key} {"position"} (0 first; the entity's other fields keep their
// order), If-Match the definitions' version the list was read at. Null would hide the buttons
// (for an API without `position`).

export interface CustomFieldMove {
  entity: CustomFieldEntity;
  key: string;
  /** The field's new place among its entity's fields, 0 first. */
  position: number;
  /** The definitions' version the order was read at (If-Match). */
  version: number;
}

export type MoveCustomField = (client: HandoffClient, move: CustomFieldMove) => Promise<unknown>;

export const moveCustomField: MoveCustomField | null = (client, { entity, key, position, version }) =>
  answer(
    client.PATCH('/custom-fields/{entity}/{key}', {
      params: { path: { entity, key }, header: ifMatch(version) },
      body: { position },
    }),
  );
