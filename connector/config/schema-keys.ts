import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

/**
 * The keys a strict object schema accepts at `path`, used to suggest the right spelling
 * of an unknown key. Unions contribute the keys of all their options.
 */
export function keysAt(schema: AnySchema, path: readonly (string | number)[]): string[] | undefined {
  const found = new Set<string>();
  for (const s of resolve(schema, path)) for (const k of objectKeys(s)) found.add(k);
  return found.size ? [...found].sort() : undefined;
}

function unwrap(s: AnySchema): AnySchema[] {
  const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unwrap(def.innerType as AnySchema);
    case 'pipe':
      return unwrap(def.in as AnySchema);
    case 'union':
      return (def.options as AnySchema[]).flatMap(unwrap);
    case 'intersection':
      return [...unwrap(def.left as AnySchema), ...unwrap(def.right as AnySchema)];
    default:
      return [s];
  }
}

function objectKeys(s: AnySchema): string[] {
  const def = s._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function resolve(schema: AnySchema, path: readonly (string | number)[]): AnySchema[] {
  let current = unwrap(schema);
  for (const segment of path) {
    const next: AnySchema[] = [];
    for (const s of current) {
      const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'object' && typeof segment === 'string') {
        const child = (def.shape as Record<string, AnySchema>)[segment];
        if (child) next.push(...unwrap(child));
      } else if (def.type === 'array' && typeof segment === 'number') {
        next.push(...unwrap(def.element as AnySchema));
      } else if (def.type === 'record') {
        next.push(...unwrap(def.valueType as AnySchema));
      }
    }
    current = next;
  }
  return current;
}
