// SASLprep (RFC 4013, the stringprep profile of RFC 3454) for WAMP-SCRAM user names and passwords, shared by the
// router (its users) and the client (`scramAuth`), so both sides normalize alike.

/** Non-ASCII spaces (RFC 3454 table C.1.2): SASLprep maps them to SPACE. */
const NON_ASCII_SPACE: readonly (readonly [number, number])[] = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
/** "Commonly mapped to nothing" (table B.1): SASLprep drops them. */
const MAPPED_TO_NOTHING: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

/**
 * Prohibited output (tables C.1.2, C.2.1, C.2.2, C.3, C.5, C.6, C.7, C.8, C.9) as code point ranges; the
 * non-characters of table C.4 that end each plane (`U+nFFFE`, `U+nFFFF`) are checked separately.
 */
const PROHIBITED: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f],
  [0x007f, 0x00a0],
  [0x0340, 0x0341],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x2063],
  [0x206a, 0x206f],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x3000],
  [0xd800, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffd],
  [0x1d173, 0x1d17a],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xf0000, 0x10ffff],
];

/** Characters with bidirectional property R or AL (table D.1). */
const RAND_AL: readonly (readonly [number, number])[] = [
  [0x05be, 0x05be],
  [0x05c0, 0x05c0],
  [0x05c3, 0x05c3],
  [0x05d0, 0x05ea],
  [0x05f0, 0x05f4],
  [0x061b, 0x061b],
  [0x061f, 0x061f],
  [0x0621, 0x063a],
  [0x0640, 0x064a],
  [0x066d, 0x066f],
  [0x0671, 0x06d5],
  [0x06dd, 0x06dd],
  [0x06e5, 0x06e6],
  [0x06fa, 0x06fe],
  [0x0700, 0x070d],
  [0x0710, 0x0710],
  [0x0712, 0x072c],
  [0x0780, 0x07a5],
  [0x07b1, 0x07b1],
  [0x200f, 0x200f],
  [0xfb1d, 0xfb1d],
  [0xfb1f, 0xfb28],
  [0xfb2a, 0xfb36],
  [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e],
  [0xfb40, 0xfb41],
  [0xfb43, 0xfb44],
  [0xfb46, 0xfbb1],
  [0xfbd3, 0xfd3d],
  [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7],
  [0xfdf0, 0xfdfc],
  [0xfe70, 0xfe74],
  [0xfe76, 0xfefc],
];

/**
 * Left-to-right characters (table D.2), approximated: letters and spacing marks outside the right-to-left scripts.
 * That is what the table holds for letters; it only matters for strings that also hold R/AL characters.
 */
const LEFT_TO_RIGHT = /[\p{L}\p{Mc}]/u;
const RIGHT_TO_LEFT_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

function inRanges(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([from, to]) => code >= from && code <= to);
}

/**
 * Normalizes a user name or password with SASLprep (RFC 4013): non-ASCII spaces become SPACE, "mapped to nothing"
 * characters go, NFKC, then prohibited characters and bad bidirectional text are refused (unassigned code points
 * are allowed, as for queries). Throws a `TypeError` naming the problem, never the string.
 *
 * @example
 * ```ts
 * saslprep('I\u00ADX'); // 'IX'
 * saslprep('\u2168'); // 'IX'
 * ```
 */
export function saslprep(text: string): string {
  const mapped = Array.from(text, (char) => {
    const code = char.codePointAt(0)!;
    return inRanges(code, NON_ASCII_SPACE) ? ' ' : inRanges(code, MAPPED_TO_NOTHING) ? '' : char;
  })
    .join('')
    .normalize('NFKC');
  const chars = Array.from(mapped);
  let rightToLeft = false;
  let leftToRight = false;
  for (const char of chars) {
    const code = char.codePointAt(0)!;
    if (inRanges(code, PROHIBITED) || (code & 0xfffe) === 0xfffe) {
      throw new TypeError(`SASLprep: prohibited character U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    if (inRanges(code, RAND_AL)) rightToLeft = true;
    else if (LEFT_TO_RIGHT.test(char) && !RIGHT_TO_LEFT_SCRIPT.test(char)) leftToRight = true;
  }
  if (rightToLeft) {
    const first = chars[0]!.codePointAt(0)!;
    const last = chars[chars.length - 1]!.codePointAt(0)!;
    if (leftToRight || !inRanges(first, RAND_AL) || !inRanges(last, RAND_AL)) {
      throw new TypeError(
        'SASLprep: right-to-left text must not mix in left-to-right text, and must begin and end with it',
      );
    }
  }
  return mapped;
}
