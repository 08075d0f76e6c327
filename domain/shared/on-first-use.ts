// An object built the first time anything reads it (a property, its keys): a module can declare
// a large object, such as the event catalog or a schema's shape, without paying for it at
// import in a function that never reads it (docs/architecture.md, decision 13).

/** `build()`'s object, built on first read; read-only, as the objects it stands for are. */
export function onFirstUse<T extends object>(build: () => T): T {
  let built: T | undefined;
  const object = () => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(object(), key),
    has: (_, key) => Reflect.has(object(), key),
    ownKeys: () => Reflect.ownKeys(object()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(object(), key),
  });
}
