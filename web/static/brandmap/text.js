/*
 * Text as the page compares and shows it: accent-insensitive folding for search, labels
 * with {placeholders}, and Vietnamese sort order.
 */
/**
 * Accent-insensitive folding, the same as the server's (brandmap.text.fold): lower case,
 * no combining marks, đ → d, runs of white space as one space.
 */
export function fold(text) {
  return String(text == null ? '' : text)
    .normalize('NFD').toLowerCase().normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐðÐɖƉ]/g, 'd')
    .split(/\s+/).filter(Boolean).join(' ');
}

/** A label with its {placeholders} filled in (unknown ones are left as they are). */
export function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (all, key) {
    return values[key] == null ? all : String(values[key]);
  });
}

/** Sorts names the Vietnamese way (lists of communes, results). */
export const COLLATOR = new Intl.Collator('vi');
