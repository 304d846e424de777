import { FR } from './fr.wording';
import type { DocumentWording } from './wording';

const WORDINGS: ReadonlyMap<string, DocumentWording> = new Map([['fr', FR]]);

/** The wording of a language (`fr`, `fr-FR`…); French when the language has none yet. */
export function wordingFor(language: string | undefined): DocumentWording {
  const base = (language ?? 'fr').toLowerCase().split('-')[0] ?? 'fr';
  return WORDINGS.get(base) ?? FR;
}
