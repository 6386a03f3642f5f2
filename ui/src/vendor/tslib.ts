// ECharts and zrender import `__extends` from tslib, whose version gives every subclass's
// prototype an enumerable `constructor`. ECharts walks such a prototype with for…in and copies
// each name onto a plain object (its scheduler's mocks, at import time); under Tauri's
// `freezePrototype` (Object.prototype frozen, see src-tauri/tauri.conf.json) assigning
// `constructor` there throws, and the charts would never load. vite.config.ts points the bare
// `tslib` import here: the same inheritance, with `constructor` non-enumerable as a class's own.
// Only ECharts and zrender import tslib, and only `__extends`.

/** A constructor function, as compiled classes are. */
interface Constructor {
  prototype: object | null;
}

export function __extends(derived: Constructor, base: unknown): void {
  if (base === null) {
    Object.setPrototypeOf(derived, null);
    derived.prototype = Object.create(null);
    return;
  }
  if (typeof base !== "function") {
    throw new TypeError(`Class extends value ${String(base)} is not a constructor or null`);
  }
  Object.setPrototypeOf(derived, base);
  derived.prototype = Object.create((base as unknown as Constructor).prototype, {
    constructor: { value: derived, writable: true, configurable: true },
  });
}
