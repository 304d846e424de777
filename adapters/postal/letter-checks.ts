import type { PostalAddress } from '../../connector/ports/postal';

/**
 * What must hold before a letter is handed to the provider, as pure functions that report every
 * problem at once. Problems name the field and the rule, not the address itself (personal data).
 */

/**
 * [UNVERIFIED] French address blocks (norm NF Z10-011, as La Poste applies it): at most 6 lines
 * of at most 38 characters, name line and "postcode CITY" line included; mail leaving France
 * adds the country as a last line. The norm is not in the reference sheet: the figures are
 * named here so that they can be corrected in one place.
 */
export const ADDRESS_RULES = { maxLines: 6, maxLineLength: 38 } as const;

/** A French postcode is 5 digits (code postal; CEDEX codes have the same shape). */
const FR_POSTAL_CODE = /^\d{5}$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function addressProblems(address: PostalAddress, role: 'recipient' | 'sender'): string[] {
  const problems: string[] = [];
  const line = (field: string, value: string) => {
    if (value.trim() === '') problems.push(`${role}.${field} is empty`);
    else if (CONTROL.test(value)) problems.push(`${role}.${field} contains a line break or control character`);
    else if (value.length > ADDRESS_RULES.maxLineLength)
      problems.push(
        `${role}.${field} has ${value.length} characters; an address line holds at most ${ADDRESS_RULES.maxLineLength} (NF Z10-011)`,
      );
  };
  line('name', address.name);
  if (address.addressLines.length === 0) problems.push(`${role}.addressLines is empty: give at least the street line`);
  address.addressLines.forEach((l, i) => line(`addressLines[${i}]`, l));

  const country = address.country;
  const french = country === 'FR';
  if (!/^[A-Z]{2}$/.test(country))
    problems.push(`${role}.country "${country}" is not an ISO 3166-1 alpha-2 code such as FR`);
  if (french && !FR_POSTAL_CODE.test(address.postalCode))
    problems.push(`${role}.postalCode "${address.postalCode}" is not a French postcode (5 digits)`);
  if (!french && CONTROL.test(address.postalCode)) problems.push(`${role}.postalCode contains a control character`);
  line('city', address.city);
  const cityLine = [address.postalCode, address.city].filter((s) => s.trim() !== '').join(' ');
  if (address.city.trim() !== '' && cityLine.length > ADDRESS_RULES.maxLineLength) {
    problems.push(
      `${role}: the line "postcode city" has ${cityLine.length} characters; at most ${ADDRESS_RULES.maxLineLength} (NF Z10-011)`,
    );
  }
  const lines = 1 + address.addressLines.length + 1;
  if (lines > ADDRESS_RULES.maxLines) {
    problems.push(
      `${role}: the address takes ${lines} lines (name, ${address.addressLines.length} address lines, postcode and city); at most ${ADDRESS_RULES.maxLines} (NF Z10-011)${french ? '' : ', plus the country line'}`,
    );
  }
  return problems;
}

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
const PDF_EOF = Buffer.from('%%EOF', 'latin1');
/** Readers look for the end-of-file marker in the last 1024 bytes, so a little trailing garbage is tolerated. */
const EOF_WINDOW = 1024;

export function pdfProblems(pdf: Buffer, maxBytes: number): string[] {
  if (pdf.length === 0) return ['the PDF is empty'];
  const problems: string[] = [];
  if (pdf.length > maxBytes) problems.push(`the PDF has ${pdf.length} bytes; \`maxPdfBytes\` allows ${maxBytes}`);
  if (!pdf.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC))
    problems.push('the document is not a PDF: it does not start with "%PDF-"');
  else if (!pdf.subarray(Math.max(0, pdf.length - EOF_WINDOW)).includes(PDF_EOF))
    problems.push('the PDF is truncated: no "%%EOF" marker at its end');
  return problems;
}
