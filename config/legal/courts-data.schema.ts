/**
 * Shape of config/legal/fr/courts.yaml: the territory of each tribunal judiciaire and tribunal de
 * commerce as INSEE commune codes, with the legal text and version each entry was read from.
 * Strict, like procedure-data.schema.ts; the checks across entries (a source that exists, no
 * commune or département given to two courts of the same kind) report every problem at once.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../connector/model/common.schema';

/** "75056", "2A004" (Corsica), "97411" (overseas). */
export const InseeCommuneCodeSchema = z
  .string()
  .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'an INSEE commune code has 5 characters, e.g. "92026" or "2A004"' });
const DepartementCodeSchema = z
  .string()
  .regex(/^(\d{2}|2[AB]|97\d)$/, { error: 'a département code is 2 characters ("92", "2A") or 3 overseas ("974")' });
const Text = z.string().trim().min(1);

export const CourtTerritoryKindSchema = z.enum(['tribunal_judiciaire', 'tribunal_de_commerce']);
export type CourtTerritoryKind = z.infer<typeof CourtTerritoryKindSchema>;

const CourtEntrySchema = z.strictObject({
  kind: CourtTerritoryKindSchema,
  /** The seat as the text names it ("Le Havre"): the court is "Tribunal de commerce du Havre". */
  seat: Text,
  /** A key of `sources`. */
  source: Text,
  territory: z
    .strictObject({
      /** Départements the text gives wholly to this court. */
      departements: z.array(DepartementCodeSchema).default([]),
      /** Communes the text places in this court's territory, in a département it shares with other courts. */
      communes: z.array(InseeCommuneCodeSchema).default([]),
    })
    .refine((t) => t.departements.length + t.communes.length > 0, {
      error: 'a territory needs at least one département or commune',
    }),
});
export type CourtEntry = z.infer<typeof CourtEntrySchema>;

const SourceSchema = z.strictObject({
  /** The legal text, e.g. "Code de commerce, annexe 7-1". */
  text: Text,
  /** Which version of it was read. */
  version: Text,
  /** Date of that version. */
  versionDate: IsoDateSchema,
  /** Where it was read. */
  readFrom: Text,
});
export type CourtSource = z.infer<typeof SourceSchema>;

export const CourtsFileSchema = z
  .strictObject({
    sources: z.record(z.string(), SourceSchema),
    /** What every entry still needs before a filing (e.g. "[UNVERIFIED] against Légifrance …"). */
    verification: Text,
    /** By kind of court and département: what the text says that the lists cannot (airports, Alsace-Moselle). */
    departementNotes: z.strictObject({
      tribunal_judiciaire: z.record(DepartementCodeSchema, Text).default({}),
      tribunal_de_commerce: z.record(DepartementCodeSchema, Text).default({}),
    }),
    courts: z.array(CourtEntrySchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    file.courts.forEach((court, i) => {
      if (!(court.source in file.sources))
        ctx.addIssue({
          code: 'custom',
          path: ['courts', i, 'source'],
          message: `unknown source "${court.source}" (known: ${Object.keys(file.sources).join(', ')})`,
        });
      const places = [
        ...court.territory.departements.map((d) => `département ${d}`),
        ...court.territory.communes.map((c) => `commune ${c}`),
      ];
      for (const place of places) {
        const key = `${court.kind} ${place}`;
        const other = seen.get(key);
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: ['courts', i, 'territory'],
            message: `${place} is already in the territory of the ${court.kind} of ${other}`,
          });
        else seen.set(key, court.seat);
      }
    });
    file.courts.forEach((court, i) => {
      for (const commune of court.territory.communes) {
        const whole = seen.get(`${court.kind} département ${departementOf(commune)}`);
        if (whole)
          ctx.addIssue({
            code: 'custom',
            path: ['courts', i, 'territory', 'communes'],
            message: `commune ${commune} lies in a département given wholly to the ${court.kind} of ${whole}`,
          });
      }
    });
  });
export type CourtsFile = z.infer<typeof CourtsFileSchema>;

/** "92026" → "92", "2A004" → "2A", "97411" → "974". */
export function departementOf(communeCode: string): string {
  return communeCode.startsWith('97') ? communeCode.slice(0, 3) : communeCode.slice(0, 2);
}
