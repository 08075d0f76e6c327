import * as zod from 'zod';
// the one helper module taken from zod's core: `zod.core` as a value would bundle all of it (locales included)
import { util } from 'zod/v4/core';
import { onFirstUse } from './on-first-use.js';

// zod, with a few additions so that importing a module costs little: an object schema may be
// given its shape as a function, called the first time the shape is read (to parse, to extend,
// to write a JSON Schema); `extend` and `discriminatedUnion` take theirs the same way (zod's own
// read every option's or base's shape when they are made); and strict objects share one `never`.
// A named schema is `.register(z.globalRegistry, { id })`: zod's `.meta({ id })` registers a copy,
// one more schema built at import for each. A function's cold start then builds only the schemas its first request uses, not every field
// of every schema its bundle declares (docs/architecture.md, decision 13). Everything else is zod's own.

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

// zod gives every strict object a `never` of its own for the keys it refuses; one serves them all
const noOtherKeys = zod.never();

export function strictObject<T extends Shape>(
  shape: T | (() => T),
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$strict> {
  return new zod.ZodObject({
    type: 'object',
    shape: shapeOf(shape),
    catchall: noOtherKeys,
    ...util.normalizeParams(params),
  }) as zod.ZodObject<Writeable<T>, zod.core.$strict>;
}

export function looseObject<T extends Shape>(
  shape: T | (() => T),
  params?: Params,
): zod.ZodObject<Writeable<T>, zod.core.$loose> {
  return zod.looseObject(shapeOf(shape), params);
}

/**
 * `base.extend(shape)`, the merged shape made on first read (zod's `extend` reads the base's keys
 * when it is called, which builds a lazy base's whole shape). A refined base is extended at once,
 * as zod does, since zod refuses to let an extension overwrite the keys its checks read.
 */
export function extend<B extends zod.ZodObject, U extends Shape>(
  base: B,
  shape: U | (() => U),
): B extends zod.ZodObject<infer S, infer C>
  ? zod.ZodObject<zod.core.util.Extend<S, Writeable<U>>, C>
  : never {
  const added = () => (typeof shape === 'function' ? shape() : shape);
  if (base._zod.def.checks?.length) return base.extend(added()) as never;
  const def = util.mergeDefs(base._zod.def, {
    shape: onFirstUse(() => ({ ...base.shape, ...added() })),
  });
  return base.clone(def as typeof base._zod.def) as never;
}

/**
 * A schema made the first time it parses or is documented, then kept: zod's `lazy` calls its
 * getter on every use (its JSON Schema writer more than once), which would make it again each time.
 */
export function lazyOnce<T extends zod.ZodType>(build: () => T): zod.ZodLazy<T> {
  let built: T | undefined;
  return zod.lazy(() => (built ??= build()));
}

type Discriminable = readonly [zod.core.$ZodTypeDiscriminable, ...zod.core.$ZodTypeDiscriminable[]];

/**
 * zod's discriminated union, made on first use when its options are given as a function (zod
 * reads every option's shape when the union is made): it parses and documents the same.
 */
export function discriminatedUnion<Types extends Discriminable, Disc extends string>(
  discriminator: Disc,
  options: () => Types,
  params?: string | zod.core.$ZodDiscriminatedUnionParams,
): zod.ZodLazy<zod.ZodDiscriminatedUnion<Types, Disc>>;
export function discriminatedUnion<Types extends Discriminable, Disc extends string>(
  discriminator: Disc,
  options: Types,
  params?: string | zod.core.$ZodDiscriminatedUnionParams,
): zod.ZodDiscriminatedUnion<Types, Disc>;
export function discriminatedUnion<Types extends Discriminable, Disc extends string>(
  discriminator: Disc,
  options: Types | (() => Types),
  params?: string | zod.core.$ZodDiscriminatedUnionParams,
) {
  if (typeof options !== 'function') return zod.discriminatedUnion(discriminator, options, params);
  return lazyOnce(() => zod.discriminatedUnion(discriminator, options(), params));
}
