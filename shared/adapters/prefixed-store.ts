/** An ObjectStore seen under a key prefix of another (the publication's root in the log bucket). */
import type { ObjectStore } from "../ports";

export function prefixedStore(store: ObjectStore, prefix: string): ObjectStore {
  return {
    read: (path) => store.read(`${prefix}${path}`),
    create: (path, bytes) => store.create(`${prefix}${path}`, bytes),
    publish: (path, bytes) => store.publish(`${prefix}${path}`, bytes),
  };
}
