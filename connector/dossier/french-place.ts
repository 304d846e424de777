/**
 * "de" before a French place name, as French writes it: "du Havre", "du Mans" (de + le), "des
 * Sables-d'Olonne" (de + les), "de la Roche-sur-Yon", "de l'Isle-Adam", "d'Avignon", "d'Auxerre"
 * (elision before a vowel), "de Lyon". Names starting with an h are written "de" ([UNVERIFIED]: an
 * h muet would take "d'", and no court seat needs it today).
 */
export function ofPlace(name: string): string {
  const trimmed = name.trim();
  const article = /^(Le|La|Les|L')\s*(.*)$/u.exec(trimmed);
  if (article) {
    const [, word, rest] = article;
    if (word === 'Le') return `du ${rest}`;
    if (word === 'Les') return `des ${rest}`;
    if (word === 'La') return `de la ${rest}`;
    return `de l'${rest}`;
  }
  return /^[AEIOUYÂÊÎÔÛÉÈÀ]/iu.test(trimmed) ? `d'${trimmed}` : `de ${trimmed}`;
}
