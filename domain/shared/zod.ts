import * as zod from 'zod';
import { onFirstUse } from './on-first-use.js';

// zod, with one addition: an object schema may be given its shape as a function, called the
// first time the shape is read (to parse, to extend, to write a JSON Schema). A function's cold
// start then builds only the schemas its first request uses, not every field of every schema
// its bundle declares (docs/architecture.md, decision 13). Everything else is zod's own.

export * from 'zod';

type Shape = zod.core.$ZodLooseShape;
type Params = string | zod.core.$ZodObjectParams;
type Writeable<T> = zod.core.util.Writeable<T>;

const shapeOf = <T extends Shape>(shape: T | (() => T)): T =>
  typeof shape === 'function' ? onFirstUse(shape) : shape;

export function object<T extends Shape>(
  shape: () => T,
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$strip>;
export function object<T extends Shape = Partial<Record<never, zod.core.SomeType>>>(
  shape?: T,
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$strip>;
export function object<T extends Shape>(shape?: T | (() => T), params?: Params) {
  return zod.object(shape === undefined ? shape : shapeOf(shape), params);
}

export function strictObject<T extends Shape>(
  shape: T | (() => T),
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$strict> {
  return zod.strictObject(shapeOf(shape), params);
}

export function looseObject<T extends Shape>(
  shape: T | (() => T),
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$loose> {
  return zod.looseObject(shapeOf(shape), params);
}
