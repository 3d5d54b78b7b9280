/**
 * Splits one ssh_config line into words the way OpenSSH's argv_split does:
 * `Keyword value`, `Keyword=value`, double or single quotes around words with
 * spaces, backslash escapes, and `#` starting a comment where a word would
 * start. Returns [] for blank and comment lines, undefined for an unbalanced
 * quote.
 */
export function splitConfigLine(line: string): string[] | undefined {
  const words: string[] = [];
  const text = line.trim().replace(/^([^\s=]+)\s*=\s*/, '$1 '); // "Port=22" and "Port = 22" read as "Port 22"
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index]!)) index++;
    if (index >= text.length || text[index] === '#') break;
    let word = '';
    let quote: string | undefined;
    for (; index < text.length; index++) {
      const char = text[index]!;
      if (quote === undefined && /\s/.test(char)) break;
      if (char === '\\' && (text[index + 1] === '"' || text[index + 1] === "'" || text[index + 1] === '\\' ||
        (quote === undefined && /\s/.test(text[index + 1] ?? '')))) {
        word += text[++index];
      } else if (quote === undefined && (char === '"' || char === "'")) {
        quote = char;
      } else if (char === quote) {
        quote = undefined;
      } else {
        word += char;
      }
    }
    if (quote !== undefined) return undefined;
    words.push(word);
  }
  return words;
}
